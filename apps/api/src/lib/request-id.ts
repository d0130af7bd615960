import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppBindings } from '../context';

/** What a client's own request id may look like to be kept (as a labelled extra, never ours). */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A client's x-request-id if it is short and plain, else null. */
export function clientRequestIdFrom(header: string | undefined): string | null {
  return header && CLIENT_ID.test(header) ? header : null;
}

/**
 * Every request gets an id made here (hono's requestId() would take the client's
 * x-request-id, letting a caller choose what the access log stores). A client's id is kept
 * apart as clientRequestId, for correlating with its own logs. The response carries ours.
 */
export function serverRequestId(): MiddlewareHandler<AppBindings> {
  return async (c, next) => {
    const id = randomUUID();
    c.set('requestId', id);
    c.set('clientRequestId', clientRequestIdFrom(c.req.header('x-request-id')));
    await next();
    // After the handler: tRPC and the exports build their own responses. Set on c.res.headers,
    // not with c.header(), which would rebuild the response (see lib/compress.ts).
    c.res.headers.set('X-Request-Id', id);
  };
}
