/**
 * Whether `to` is this page or the page above it, as React Router's `NavLink` decides (not
 * case-sensitive, a whole path segment): "/leads" for "/leads" and "/leads/12".
 */
export function isCurrentNav(pathname: string, to: string): boolean {
  const at = pathname.toLowerCase();
  const target = to.toLowerCase();
  return at === target || (at.startsWith(target) && at.charAt(target.length) === '/');
}
