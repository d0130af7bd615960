/**
 * The one origin rule, for every route a browser could be tricked into calling with someone's
 * cookie (tRPC mutations, file downloads) or that only some websites may post to (intake).
 * Callers differ only in the origins they allow: the app's own (`publicBaseUrl(env)`), plus
 * INTAKE_CORS_ORIGINS for intake.
 *
 * - Sec-Fetch-Site `same-origin` is set by the browser itself and cannot be forged by a page:
 *   allowed (also our own page under another host name, localhost vs 127.0.0.1).
 * - `none` (typed in the address bar, a bookmark) only for reading (GET/HEAD): no page sent it.
 * - Otherwise an Origin header must be one of the allowed ones (`null`, from a sandbox, is not).
 * - A browser request from another site without an Origin is refused.
 * - Neither header: not a browser, so it carries no victim's cookie: allowed.
 */
export interface OriginHeaders {
  method: string;
  secFetchSite: string | undefined;
  origin: string | undefined;
}

export function originAllowed(request: OriginHeaders, allowed: ReadonlySet<string>): boolean {
  const site = request.secFetchSite;
  if (site === 'same-origin') return true;
  const reading = request.method === 'GET' || request.method === 'HEAD';
  if (site === 'none' && reading) return true;
  if (request.origin !== undefined) return allowed.has(request.origin);
  return site === undefined;
}

/** The allowed set for a base URL (its origin) and any further configured origins. */
export function allowedOrigins(baseUrl: string, more: readonly string[] = []): Set<string> {
  return new Set([new URL(baseUrl).origin, ...more]);
}

/** The headers the rule reads, from a Hono request. */
export function originHeaders(req: {
  method: string;
  header(name: string): string | undefined;
}): OriginHeaders {
  return {
    method: req.method,
    secFetchSite: req.header('sec-fetch-site'),
    origin: req.header('origin'),
  };
}
