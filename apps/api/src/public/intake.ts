import type { IncomingMessage } from 'node:http';
import { findProjectBySlug, getCurrentPolicyVersion, osloDate } from '@mg/db';
import type { FieldErrors } from '@mg/shared';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppBindings, AppDeps } from '../context';
import { publicBaseUrl } from '../env';
import { createIntakeQueue, type IntakeOutcome } from '../lib/intake';
import { allowedOrigins, originAllowed, originHeaders } from '../lib/origin';
import { formValuesOf, renderForm } from './form';
import { configuredOrigins, langOf, messagePage, PAGE_TEXT } from './page';

/**
 * POST /api/intake/:slug — the public interest form. JSON from the company website
 * (cross-origin, CORS for the configured origins only), or a classic form POST (from the
 * hosted page or a plain HTML form), which gets HTML back instead of JSON.
 *
 *   201 { id, consent }      stored (or the first result again for a repeated idempotency key);
 *                            `consent` echoes the ticked purposes, whatever the address's history
 *   400 { error: { code: 'BAD_REQUEST', fieldErrors } }
 *   403 a browser on an origin that is not configured
 *   404 unknown project, or one not taking forms
 *   408 a JSON body still arriving 10 s after the headers (the connection is closed)
 *   413 body over 16 KiB, 415 neither JSON nor a form, 429 + Retry-After past the per-IP limit
 */

export const INTAKE_BODY_LIMIT = 16 * 1024;

type C = Context<AppBindings>;

/** Form posts (urlencoded or multipart) are answered with pages; everything else with JSON. */
function isFormPost(c: C) {
  const type = c.req.header('content-type')?.toLowerCase() ?? '';
  return (
    type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')
  );
}

const utf8 = new TextDecoder();

/** How long a JSON body may take to arrive once the headers are in; then 408 and close. */
export const INTAKE_BODY_TIMEOUT_MS = 10_000;

class BodyTooLarge extends Error {}
class BodyTimeout extends Error {}

/** The Node request under the adapter, if the adapter has not started reading its body. */
function untouchedIncoming(c: C): IncomingMessage | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || incoming.readableDidRead || incoming.readableFlowing !== null) return null;
  return incoming;
}

/**
 * Read a body straight from Node's request, with or without a declared length (chunked):
 * at most `limit` bytes (BodyTooLarge past it, without reading on) and within `timeoutMs`
 * of the call (BodyTimeout: a client that trickles or stalls cannot hold the request open).
 * A connection that closes before the end rejects. Events, not an async iterator: this runs
 * on every intake post.
 */
function readNodeBody(incoming: IncomingMessage, limit: number, timeoutMs: number) {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
      if (!error) {
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
        return;
      }
      // Stop reading: the answer says so and closes the connection (Connection: close).
      incoming.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(new BodyTooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error('connection closed before the body ended'));
    const timer = setTimeout(() => finish(new BodyTimeout()), timeoutMs);
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/**
 * The JSON body. On the Node server it is read straight from the socket's request: letting
 * the adapter build a WHATWG Request (a web ReadableStream over the Node stream, an
 * AbortSignal, undici's header checks) only to read a 300-byte body cost about a tenth of
 * an intake request (see decision 004). Declared lengths over the limit were refused before
 * (limitBody); chunked bodies are counted here. Without the Node request (app.request() in
 * tests) Hono's own reader is used, behind hono's bodyLimit.
 */
async function readJson(c: C, timeoutMs: number): Promise<unknown> {
  const incoming = untouchedIncoming(c);
  if (!incoming) return c.req.json();
  const body = await readNodeBody(incoming, INTAKE_BODY_LIMIT, timeoutMs);
  return JSON.parse(utf8.decode(body));
}

/**
 * CORS for the configured website origins. Preflights go to hono's cors(); the POST itself
 * gets the same headers (Access-Control-Allow-Origin for a configured origin,
 * Access-Control-Expose-Headers, Vary: Origin) set the cheap way. hono's cors() writes them
 * through `c.res` before the handler runs, which creates a placeholder response that the
 * handler's answer must then be copied into (a WHATWG Response with a stream body), and its
 * late `Vary` copies it once more: about a tenth of an intake request's CPU, on every post.
 * Here they go into the prepared headers beforehand, and Vary onto the final answer.
 */
function intakeCors(origins: ReadonlySet<string>): MiddlewareHandler<AppBindings> {
  const preflight = cors({
    origin: (origin) => (origins.has(origin) ? origin : null),
    allowMethods: ['POST'],
    allowHeaders: ['Content-Type', 'Idempotency-Key'],
    exposeHeaders: [...EXPOSED_HEADERS],
    maxAge: 600,
  });
  const exposed = EXPOSED_HEADERS.join(',');
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next);
    const origin = c.req.header('origin');
    if (origin !== undefined && origins.has(origin))
      c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', exposed);
    await next();
    c.res.headers.append('Vary', 'Origin');
  };
}

const EXPOSED_HEADERS = ['Retry-After'] as const;

function jsonError(
  c: C,
  status: 400 | 403 | 404 | 408 | 413 | 415 | 429,
  error: Record<string, unknown>,
) {
  return c.json({ error }, status);
}

export function intakeRoutes(deps: AppDeps, options: { bodyTimeoutMs?: number } = {}) {
  const bodyTimeoutMs = options.bodyTimeoutMs ?? INTAKE_BODY_TIMEOUT_MS;
  const { env, log } = deps;
  const app = new Hono<AppBindings>();
  const origins = new Set(configuredOrigins(env));
  const intake = createIntakeQueue(deps.db);
  const limiter = new RateLimiterMemory({ points: env.INTAKE_RATE_LIMIT, duration: 60 });
  // From configuration only: a request's Host header is the sender's to choose.
  const baseUrl = publicBaseUrl(env);

  app.use('/:slug', intakeCors(origins));

  /**
   * A browser says where the page that sent the request came from. Our own hosted page and
   * the configured websites may post; a form on any other site may not. Requests without
   * an Origin (servers, curl) carry no one's cookies and are let through.
   */
  const mayPost = allowedOrigins(baseUrl, [...origins]);
  const originCheck: MiddlewareHandler<AppBindings> = async (c, next) => {
    if (!originAllowed(originHeaders(c.req), mayPost)) {
      log.info({ requestId: c.get('requestId') }, 'intake refused: origin not allowed');
      return jsonError(c, 403, { code: 'FORBIDDEN', domainCode: 'forbidden' });
    }
    return next();
  };

  const rateLimit: MiddlewareHandler<AppBindings> = async (c, next) => {
    try {
      await limiter.consume(c.get('clientIp') ?? 'unknown');
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      const seconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      c.header('Retry-After', String(seconds));
      log.warn({ requestId: c.get('requestId') }, 'intake rate limit reached');
      if (isFormPost(c)) {
        const lang = langOf(c.req.query('lang'));
        const text = PAGE_TEXT[lang];
        return c.html(messagePage(c, { lang, title: text.tooManyTitle, text: text.tooMany }), 429);
      }
      return jsonError(c, 429, { code: 'TOO_MANY_REQUESTS', domainCode: 'rateLimited' });
    }
    return next();
  };

  const tooLarge = (c: C) => {
    if (isFormPost(c)) {
      const lang = langOf(c.req.query('lang'));
      const text = PAGE_TEXT[lang];
      return c.html(messagePage(c, { lang, title: text.tooLargeTitle, text: text.tooLarge }), 413);
    }
    return c.json({ error: { code: 'PAYLOAD_TOO_LARGE', domainCode: 'payloadTooLarge' } }, 413);
  };
  const streamedLimit = bodyLimit({ maxSize: INTAKE_BODY_LIMIT, onError: (c) => tooLarge(c as C) });
  /**
   * A declared length is checked here, as hono's bodyLimit would, but without touching
   * `c.req.raw.body` (which makes the Node adapter build a WHATWG Request and stream);
   * chunked bodies are counted by hono's bodyLimit as they arrive.
   */
  const limitBody: MiddlewareHandler<AppBindings> = async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined)
      return Number.parseInt(declared, 10) > INTAKE_BODY_LIMIT ? tooLarge(c) : next();
    // A chunked JSON body on the Node server is counted by readNodeBody as it arrives.
    if (!isFormPost(c) && untouchedIncoming(c)) return next();
    return streamedLimit(c, next);
  };

  app.post('/:slug', originCheck, rateLimit, limitBody, async function intakeHandler(c) {
    const slug = c.req.param('slug');
    const form = isFormPost(c);
    const type = c.req.header('content-type')?.toLowerCase() ?? '';
    if (!form && !type.startsWith('application/json'))
      return jsonError(c, 415, { code: 'UNSUPPORTED_MEDIA_TYPE' });

    let body: Record<string, unknown>;
    try {
      const parsed: unknown = form ? await c.req.parseBody() : await readJson(c, bodyTimeoutMs);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new TypeError('not an object');
      body = parsed as Record<string, unknown>;
    } catch (error) {
      // The rest of the body is not read: the connection closes after the answer.
      if (error instanceof BodyTooLarge) {
        c.header('Connection', 'close');
        return tooLarge(c);
      }
      if (error instanceof BodyTimeout) {
        log.info({ requestId: c.get('requestId') }, 'intake body too slow; refused');
        c.header('Connection', 'close');
        return jsonError(c, 408, { code: 'TIMEOUT', domainCode: 'bodyTimeout' });
      }
      // Malformed JSON, or not an object: the body as a whole is the bad field.
      return jsonError(c, 400, { code: 'BAD_REQUEST', fieldErrors: { _: [{ key: 'invalid' }] } });
    }

    const hosted = form && body.hosted === '1';
    const headerKey = c.req.header('idempotency-key');
    const outcome = await intake.submit({
      slug,
      body,
      idempotencyKey: headerKey,
      source: hosted ? 'hosted_form' : 'website_form',
      baseUrl,
      meta: {
        requestId: c.get('requestId'),
        ip: c.get('clientIp'),
        userAgent: c.req.header('user-agent') ?? null,
      },
    });

    if (outcome.kind === 'created') deps.outbox?.kick();
    if (outcome.kind === 'honeypot')
      log.info({ requestId: c.get('requestId') }, 'intake honeypot filled; nothing stored');

    if (form)
      return formAnswer(
        c,
        slug,
        body,
        outcome.kind === 'invalid' ? outcome.fieldErrors : null,
        outcome.kind,
      );
    switch (outcome.kind) {
      case 'created':
      case 'repeat':
        // What was ticked, never what is in force: that would tell anyone who posts a form
        // whether the address has opted out before.
        return c.json({ id: outcome.leadId, consent: outcome.requested }, 201);
      case 'honeypot':
        // Looks like any other success to the bot; there is nothing behind it.
        return c.json(
          { id: fakeLeadId(), consent: { marketing_email: false, marketing_sms: false } },
          201,
        );
      case 'unknownProject':
        return jsonError(c, 404, { code: 'NOT_FOUND', domainCode: 'notFound' });
      case 'closedProject':
        return jsonError(c, 404, { code: 'NOT_FOUND', domainCode: 'projectClosed' });
      case 'invalid':
        return jsonError(c, 400, { code: 'BAD_REQUEST', fieldErrors: outcome.fieldErrors });
    }
  });

  /** Classic form posts: success redirects to the thank-you page (post/redirect/get). */
  function formAnswer(
    c: C,
    slug: string,
    body: Record<string, unknown>,
    fieldErrors: FieldErrors | null,
    kind: IntakeOutcome['kind'],
  ) {
    const lang = langOf(body.lang ?? c.req.query('lang'));
    const text = PAGE_TEXT[lang];
    if (kind === 'unknownProject' || kind === 'closedProject')
      return c.html(
        messagePage(c, { lang, title: text.notFoundTitle, text: text.notFoundForm }),
        404,
      );
    if (fieldErrors) {
      const project = findProjectBySlug(deps.db, slug);
      if (!project)
        return c.html(
          messagePage(c, { lang, title: text.notFoundTitle, text: text.notFoundForm }),
          404,
        );
      const current = getCurrentPolicyVersion(deps.db, osloDate())?.label ?? null;
      const key =
        typeof body.idempotencyKey === 'string' && body.idempotencyKey.length <= 100
          ? body.idempotencyKey
          : crypto.randomUUID();
      return c.html(
        renderForm(c, {
          lang,
          project,
          policyLabel: current,
          values: formValuesOf(body),
          errors: fieldErrors,
          idempotencyKey: key,
        }),
        400,
        { 'Cache-Control': 'no-store' },
      );
    }
    const query = lang === 'en' ? '?lang=en' : '';
    return c.redirect(`/skjema/${encodeURIComponent(slug)}/takk${query}`, 303);
  }

  return app;
}

/** A plausible id for the honeypot answer; never looked up, never stored. */
function fakeLeadId() {
  return 1000 + Math.floor(Math.random() * 900_000);
}
