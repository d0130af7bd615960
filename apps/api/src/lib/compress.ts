import { constants, createDeflate, createGzip, deflateSync, gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
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
 * Answers whose whole body is already in memory when the handler returns: compressed in one
 * synchronous call instead of through a stream (see `compressDynamic`).
 */
export type WholeBody = (c: Context) => boolean;

/**
 * zlib's fastest level for answers compressed whole (nginx's default gzip level too). Measured
 * on a grid page of 50 leads (21 KB of JSON): level 1 ~140 µs, 1.98 KB; level 6 ~200 µs,
 * 1.74 KB. The bytes saved by a higher level are a few hundred; the CPU is per request.
 */
const WHOLE_LEVEL = constants.Z_BEST_SPEED;

/**
 * hono's compress(), minus its cost on answers it leaves alone: it adds `Vary` with
 * `c.header()`, which after the handler rebuilds the response and turns @hono/node-server's
 * lightweight one into a full undici Response with a ReadableStream body. That doubled the
 * cost of a small tRPC answer (profiled with `node --cpu-prof`, see docs/decisions/005).
 * Here every check reads `c.res.headers` only, which stays lightweight, and the body is
 * touched only when it is really compressed.
 *
 * A body `whole` says is built in memory in one piece (tRPC's JSON answers: its fetch adapter
 * stringifies the result; a streamed tRPC answer says `Transfer-Encoding` and is left alone
 * above) is read and compressed in one synchronous call and sent with its length. Through the
 * stream below, a 21 KB grid page cost ~0.5 ms of CPU and four trips through the thread pool
 * before its first byte (zlib's stream works there), against ~0.15 ms here (decision 039).
 */
export function compressDynamic(whole: WholeBody = () => false): MiddlewareHandler {
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
    if (whole(c)) {
      const plain = bodyText(res) ?? new Uint8Array(await res.arrayBuffer());
      const packed =
        encoding === 'gzip'
          ? gzipSync(plain, { level: WHOLE_LEVEL })
          : deflateSync(plain, { level: WHOLE_LEVEL });
      headers.delete('Content-Length');
      headers.set('Content-Encoding', encoding);
      c.res = new Response(new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength), {
        status: res.status,
        headers,
      });
      return;
    }
    const body = res.body;
    if (!body) return;
    c.res = new Response(compressed(body, encoding), res);
    c.res.headers.delete('Content-Length');
    c.res.headers.set('Content-Encoding', encoding);
    const etag = c.res.headers.get('ETag');
    if (etag && !etag.startsWith('W/')) c.res.headers.set('ETag', `W/${etag}`);
  };
}

/**
 * The string a response was made with, when @hono/node-server's lightweight Response still
 * holds it: it keeps `[status, body, headers]` under a symbol described as "cache" and writes
 * such a body to the socket itself without a stream. Reading it there costs nothing; asking
 * the Response for its bytes builds a full undici Response and reads its stream (~175 µs for
 * a 22 KB page, measured). Undefined when the body is anything else (the caller reads it then).
 */
function bodyText(res: Response): string | undefined {
  const key = Object.getOwnPropertySymbols(res).find((s) => s.description === 'cache');
  const held: unknown = key ? (res as unknown as Record<symbol, unknown>)[key] : undefined;
  const body = Array.isArray(held) ? held[1] : undefined;
  return typeof body === 'string' ? body : undefined;
}

/**
 * The body gzip- or deflate-compressed, read only as fast as the client takes it. Node 20's
 * CompressionStream counts its input queue in chunks against a limit meant for bytes: it
 * pulls up to 16,384 chunks from the body while nobody reads its output, so a large download
 * was read from the database and held in memory as fast as the server could produce it,
 * whatever the client took (the audience export, 280,745 rows at a million leads), and a body
 * that answers its pulls synchronously was produced in one turn of the event loop (the lead
 * export: 99,513 rows, a 6 s block). Here each read of the client feeds zlib from the body
 * until zlib has output, and a client that goes away cancels the body.
 */
function compressed(body: ReadableStream<Uint8Array>, encoding: Encoding) {
  const zlib = encoding === 'gzip' ? createGzip() : createDeflate();
  const reader = body.getReader();
  const output: Buffer[] = [];
  zlib.on('data', (data: Buffer) => output.push(data));
  let ended = false;
  const write = (chunk: Uint8Array) =>
    new Promise<void>((done, fail) => zlib.write(chunk, (error) => (error ? fail(error) : done())));
  const end = () =>
    new Promise<void>((done, fail) => {
      zlib.once('end', done);
      zlib.once('error', fail);
      zlib.end();
    });
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (output.length === 0 && !ended) {
          const next = await reader.read();
          if (next.done) {
            await end();
            ended = true;
          } else await write(next.value);
        }
        if (output.length > 0) controller.enqueue(new Uint8Array(Buffer.concat(output.splice(0))));
        if (ended && output.length === 0) controller.close();
      },
      cancel(reason) {
        zlib.destroy();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
