import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { trpcServer } from '@hono/trpc-server';
import { hasSuppressionKey, setSuppressionKey } from '@mg/db';
import { TRPC_MAX_BATCH_SIZE } from '@mg/shared';
import { getTRPCErrorShape } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { type Handler, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { type AppBindings, type AppDeps, createRequestContext } from './context';
import { publicBaseUrl } from './env';
import { chooseEncoding, compressDynamic } from './lib/compress';
import { loginRateLimit } from './lib/login-rate-limit';
import { allowedOrigins, originAllowed, originHeaders } from './lib/origin';
import { serverRequestId } from './lib/request-id';
import { loadSuppressionKey } from './lib/server-secrets';
import {
  type BootMe,
  createSpaShell,
  pageWithData,
  readPageData,
  streamPage,
} from './lib/spa-shell';
import { hasServerRender, loadPageRenderer, renderFirstPaint } from './lib/ssr';
import { gateRequests } from './lib/write-gate';
import { audienceExport } from './public/audience-export';
import { confirmConsentRoutes } from './public/confirm-consent';
import { DSR_FORM_PATH, dsrRequestRoutes } from './public/dsr-request';
import { exportAuditLog } from './public/export-audit';
import { exportLeads } from './public/export-leads';
import { formRoutes } from './public/form';
import { intakeRoutes } from './public/intake';
import { isPublicPage, publicPageHeaders } from './public/page';
import { policyApiRoutes, policyPageRoutes } from './public/policy';
import { subjectExport } from './public/subject-export';
import { unsubscribeRoutes } from './public/unsubscribe';
import { appRouter } from './routers/root';
import { createCallerFactory } from './trpc';

const TRPC_BODY_LIMIT = 256 * 1024;

/**
 * Every state-changing tRPC request must prove it is same-origin (lib/origin.ts, the rule
 * shared with downloads and intake): a JSON API is not covered by form-only CSRF checks.
 */
function sameOriginOnly(allowed: ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS')
      return next();
    if (!originAllowed(originHeaders(c.req), allowed))
      return c.json({ error: { code: 'FORBIDDEN', message: 'cross-site request refused' } }, 403);
    return next();
  };
}

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  // On c.res.headers, not c.header(): after the handler that would rebuild the response
  // (see lib/compress.ts).
  if (!c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-store');
};

export function createApp(deps: AppDeps) {
  const { env, log } = deps;
  // main.ts and the CLI set the key at start-up; for anything else that builds the app over
  // a database (tests, bench) it is loaded from configuration on first use.
  if (!hasSuppressionKey(deps.db)) setSuppressionKey(deps.db, () => loadSuppressionKey(env));
  const app = new Hono<AppBindings>();
  const ownOrigin = allowedOrigins(publicBaseUrl(env));

  app.use('*', serverRequestId());
  // Dynamic answers (tRPC JSON, CSV downloads, the SPA's HTML) are compressed: tRPC's whole,
  // in one call (its answers are built in memory), the others as they stream. Static files
  // come precompressed (Content-Encoding already set, so this leaves them), and the public
  // intake answers a few bytes at high rates: compressing them would only cost CPU.
  const compress = compressDynamic((c) => c.req.path.startsWith('/trpc/'));
  app.use('*', (c, next) => (c.req.path.startsWith('/api/intake') ? next() : compress(c, next)));
  app.use('*', async (c, next) => {
    const forwarded = env.TRUST_PROXY
      ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
      : undefined;
    let ip: string | null = forwarded ?? null;
    if (!ip) {
      try {
        ip = getConnInfo(c).remote.address ?? null;
      } catch {
        ip = null;
      }
    }
    c.set('clientIp', ip);
    await next();
  });
  const appHeaders = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // Mantine injects its CSS variables in style tags.
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    strictTransportSecurity:
      env.NODE_ENV === 'production' ? 'max-age=31536000; includeSubDomains' : false,
    referrerPolicy: 'same-origin',
  });
  // The hosted form and unsubscribe pages may be framed by the configured website origins.
  const pageHeaders = publicPageHeaders(env);
  app.use('*', (c, next) =>
    isPublicPage(c.req.path) ? pageHeaders(c, next) : appHeaders(c, next),
  );

  // Answers and downloads may hold personal data: no cache (browser, proxy) may keep them.
  // A route that serves public, non-personal data (the policy text) sets its own header.
  app.use('/trpc/*', noStore);
  app.use('/api/*', noStore);

  // Everything that may write waits while a search-index merge step holds the write lock, and
  // holds such a step back while it runs (lib/write-gate.ts); the health check and the
  // hashed assets do neither. tRPC and intake answers are built whole before they are sent.
  const gate = deps.gate;
  if (gate) {
    const counted = gateRequests(
      gate,
      (path) => path.startsWith('/trpc/') || path.startsWith('/api/intake'),
    );
    app.use('*', (c, next) =>
      c.req.path === '/healthz' || c.req.path.startsWith('/assets/') ? next() : counted(c, next),
    );
  }

  app.get('/healthz', (c) => {
    // The database was opened and migrated before the server started listening.
    deps.db.get(sql`select 1`);
    return c.json({ status: 'ok' });
  });

  // Hono's csrf() refuses form-encoded posts from other origins even without Sec-Fetch-Site
  // (a strictness our rule leaves to browsers); both read the same allowed origins.
  app.use('/trpc/*', csrf({ origin: (origin) => ownOrigin.has(origin) }));
  app.use('/trpc/*', sameOriginOnly(ownOrigin));
  app.use('/trpc/*', loginRateLimit(deps));
  const trpcBodyLimit = bodyLimit({
    maxSize: TRPC_BODY_LIMIT,
    onError: (c) => c.json({ error: { code: 'PAYLOAD_TOO_LARGE' } }, 413),
  });
  // Only where a body is read: tRPC reads a query's input from the URL, never a GET's body.
  // bodyLimit asks every request for its body stream, which made @hono/node-server build a
  // full Request from the socket for each grid page (~0.2 ms of CPU, decision 039).
  app.use('/trpc/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : trpcBodyLimit(c, next),
  );
  app.use(
    '/trpc/*',
    trpcServer({
      router: appRouter,
      maxBatchSize: TRPC_MAX_BATCH_SIZE,
      createContext: (opts, c) =>
        createRequestContext(deps, c as never, opts.resHeaders) as unknown as Record<
          string,
          unknown
        >,
      onError({ error, path, ctx }) {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          log.error(
            {
              err: error.cause ?? error,
              path,
              requestId: (ctx as { requestId?: string } | undefined)?.requestId,
            },
            'procedure failed',
          );
      },
    }),
  );

  // Public, no login: intake, the hosted form, the privacy policy, unsubscribe.
  app.route('/api/intake', intakeRoutes(deps));
  app.route('/api/policy', policyApiRoutes(deps));
  app.route('/skjema', formRoutes(deps));
  // Before /personvern, whose policy page owns only its root.
  app.route(DSR_FORM_PATH, dsrRequestRoutes(deps));
  app.route('/personvern', policyPageRoutes(deps));
  app.route('/unsubscribe', unsubscribeRoutes(deps));
  app.route('/confirm-consent', confirmConsentRoutes(deps));
  // Signed in, with audience:export.
  app.get('/api/exports/audience.csv', audienceExport(deps));
  // Signed in, with lead:export: the grid's rows and columns, streamed.
  app.get('/api/exports/leads.csv', exportLeads(deps, 'csv'));
  app.get('/api/exports/leads.xlsx', exportLeads(deps, 'xlsx'));
  // Signed in, with audit:export: the filtered access log, itself logged.
  app.get('/api/exports/audit.csv', exportAuditLog(deps));
  // Signed in, with dsr:manage: a data subject's JSON for an access/portability request.
  app.get('/api/requests/:id/subject.json', subjectExport(deps));

  const webDist = env.WEB_DIST;
  if (webDist && existsSync(join(webDist, 'index.html'))) {
    const shell = createSpaShell(webDist);
    // The server's first paint of the grid and a lead page (lib/ssr.ts, decision 029): loaded
    // and warmed now; a page asked for meanwhile waits for it within the render's time limit.
    const pageRenderer = loadPageRenderer(webDist, log);
    const hasPageRenderer = hasServerRender(webDist);
    const createCaller = createCallerFactory(appRouter);
    // index.html with the caller's `auth.me` answer in it (lib/spa-shell.ts): answered by the
    // procedure itself, through the same request context, so a page load does to the session
    // exactly what an `auth.me` request does: slides its idle expiry, clears a stale cookie,
    // and writes no access-log entry (the answer is the caller's own profile).
    const serveShell: Handler<AppBindings> = async (c) => {
      const started = performance.now();
      const resHeaders = new Headers();
      const ctx = createRequestContext(deps, c, resHeaders);
      const caller = createCaller(ctx);
      let me: BootMe = null;
      try {
        me = await caller.auth.me();
      } catch (err) {
        // The app asks `auth.me` itself then, and shows that error in its own place.
        log.error({ err, requestId: c.get('requestId') }, 'auth.me for the page failed');
      }
      const url = new URL(c.req.url);
      const language = getCookie(c, 'mg-lang');
      const drawable = hasPageRenderer && pageWithData(url.pathname, me) !== null;
      const start = shell.start(c.req.path, me, { drawable, language });
      // Whatever the page holds, its cookies are known now (only auth.me's session check sets
      // any), so they go out with the head.
      const withCookies = (res: Response) => {
        for (const cookie of resHeaders.getSetCookie()) res.headers.append('set-cookie', cookie);
        return res;
      };
      if ('html' in start) return withCookies(c.html(start.html, 200, start.headers));
      // Where a drawn page's time goes on the server (decision 045; bench/web --breakdown reads
      // this debug line): the head after auth.me, the page's read with its access-log entry,
      // the drawing as waited for here and as the worker spent it (the rest is its queue).
      const headMs = performance.now() - started;
      // The head goes out now, so the browser fetches the stylesheets and the code while the
      // page's data is read and drawn (decision 033); the rest follows in the same answer.
      const rest = (async () => {
        // The grid's first page or the lead, read as the app would read it (logged as such).
        const readStarted = performance.now();
        const data = await readPageData(
          caller,
          url,
          me,
          (err) =>
            log.error({ err, requestId: c.get('requestId') }, 'the page data for the page failed'),
          (error, path, input) =>
            getTRPCErrorShape({
              config: appRouter._def._config,
              error,
              type: 'query',
              path,
              input,
              ctx,
            }),
        );
        const readMs = performance.now() - readStarted;
        let renderMs: number | undefined;
        // Drawn by the server only with the page's data (the caller may read it): the render
        // is given exactly the boot block's answers, so it shows nothing the page does not hold.
        const page =
          data.leadList || (data.lead && 'byId' in data.lead)
            ? await renderFirstPaint(
                pageRenderer,
                { url: `${url.pathname}${url.search}`, boot: { me, ...data }, language },
                { timeLimitMs: env.SSR_TIME_LIMIT_MS, log },
                (ms) => {
                  renderMs = ms;
                },
              )
            : null;
        log.debug(
          { path: url.pathname, headMs, readMs, renderMs, workerMs: page?.workerMs },
          'page timing',
        );
        return start.finish(data, page);
      })().catch((err: unknown) => {
        // Neither step throws by design; should one, the page still ends as the plain shell.
        log.error({ err, requestId: c.get('requestId') }, 'the page could not be completed');
        return start.finish({}, null);
      });
      const encoding = chooseEncoding(c.req.header('accept-encoding'));
      const headers: Record<string, string> = {
        ...start.headers,
        'Content-Type': 'text/html; charset=UTF-8',
        // Compressed here, not by compressDynamic: it would hold the head back (lib/spa-shell.ts).
        Vary: `${start.headers.Vary}, Accept-Encoding`,
        ...(encoding ? { 'Content-Encoding': encoding } : {}),
      };
      return withCookies(c.body(streamPage(start.head, rest, encoding), 200, headers));
    };
    app.get('/', serveShell);
    app.get('/index.html', serveShell);
    // The server's render lives in the build (dist/server): code for this process, not a file
    // to hand out.
    app.get('/server/*', serveShell);
    // Hashed file names change with their content: a browser may keep them for good. The
    // build writes .br and .gz copies beside them (apps/web/build/precompress.ts).
    app.use(
      '/assets/*',
      serveStatic({
        root: webDist,
        precompressed: true,
        onFound: (_path, c) => c.header('Cache-Control', 'public, max-age=31536000, immutable'),
      }),
    );
    // Unhashed files beside index.html (the icon): always ask the server whether they changed.
    app.use(
      '*',
      serveStatic({
        root: webDist,
        precompressed: true,
        onFound: (_path, c) => c.header('Cache-Control', 'no-cache'),
      }),
    );
    // The SPA owns every other GET: react-router decides what to render.
    app.get('*', serveShell);
  }

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    log.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    return c.json({ error: { code: 'INTERNAL_SERVER_ERROR', requestId: c.get('requestId') } }, 500);
  });
  return app;
}
