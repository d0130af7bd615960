import type { MiddlewareHandler } from 'hono';
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from 'hono/compress';
import { parseAccept } from 'hono/utils/accept';

/** Bodies that declare a smaller length are sent as they are (hono's default too). */
const THRESHOLD = 1024;
const ENCODINGS = ['gzip', 'deflate'] as const;
type Encoding = (typeof ENCODINGS)[number];
const NO_TRANSFORM = /(?:^|,)\s*?no-transform\s*?(?:,|$)/i;
const VARY_ACCEPT_ENCODING = /(?:^|,)\s*?accept-encoding\s*?(?:,|$)/i;

/** The best encoding the client accepts (q-values honoured, `*` counts), or none. */
export function chooseEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const accepts = parseAccept(header);
  const wildcard = accepts.find((a) => a.type === '*')?.q;
  let best: { encoding: Encoding; q: number } | undefined;
  for (const encoding of ENCODINGS) {
    const q = accepts.find((a) => a.type.toLowerCase() === encoding)?.q ?? wildcard ?? 0;
    if (q > 0 && (!best || q > best.q)) best = { encoding, q };
  }
  return best?.encoding;
}

/**
 * hono's compress(), minus its cost on answers it leaves alone: it adds `Vary` with
 * `c.header()`, which after the handler rebuilds the response and turns @hono/node-server's
 * lightweight one into a full undici Response with a ReadableStream body. That doubled the
 * cost of a small tRPC answer (profiled with `node --cpu-prof`, see docs/decisions/005).
 * Here every check reads `c.res.headers` only, which stays lightweight, and the body is
 * touched only when it is really compressed.
 */
export function compressDynamic(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const headers = res.headers;
    const length = headers.get('content-length');
    if (
      c.req.method === 'HEAD' ||
      res.status === 204 ||
      res.status === 206 ||
      res.status === 304 ||
      headers.has('content-encoding') ||
      headers.has('transfer-encoding') ||
      (length !== null && Number(length) < THRESHOLD)
    )
      return;
    const type = headers.get('content-type');
    if (!type || !COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type)) return;
    const cacheControl = headers.get('cache-control');
    if (cacheControl && NO_TRANSFORM.test(cacheControl)) return;
    const vary = headers.get('vary');
    if (vary !== '*' && !(vary && VARY_ACCEPT_ENCODING.test(vary)))
      headers.set('Vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');

    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    if (!encoding) return;
    const body = res.body;
    if (!body) return;
    c.res = new Response(body.pipeThrough(new CompressionStream(encoding)), res);
    c.res.headers.delete('Content-Length');
    c.res.headers.set('Content-Encoding', encoding);
    const etag = c.res.headers.get('ETag');
    if (etag && !etag.startsWith('W/')) c.res.headers.set('ETag', `W/${etag}`);
  };
}
