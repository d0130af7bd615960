/**
 * Where to go after login. Only same-site paths are accepted, so a crafted link such as
 * /login?next=https://evil.example cannot bounce the user off the site.
 */
export function safeNextPath(value: string | null): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return '/';
  }
  return value.startsWith('/login') ? '/' : value;
}
