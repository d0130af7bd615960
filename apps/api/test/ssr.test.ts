import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { constants, gunzipSync } from 'node:zlib';
import { type Database_, setTotpRequiredRoles } from '@mg/db';
import { createTestDatabase, type Fixture, seedFixture } from '@mg/db/testing';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { hashPassword } from '../src/lib/password';
import { loadPageRenderer } from '../src/lib/ssr';
import { createApp } from '../src/server';

/**
 * The server's first paint (decision 029, lib/ssr.ts): `/leads` and `/leads/<id>` come drawn
 * with the caller's own rows, rendered by the web's real server entry (built here from
 * apps/web/src/entry-server.tsx), from exactly the data the page carries.
 */

const PASSWORD = 'riktig-passord-123';
const WEB = fileURLToPath(new URL('../../web', import.meta.url));
const INDEX_HTML = `<!doctype html>
<html lang="nb">
  <head>
    <title>MG Leads</title>
    <script type="module" crossorigin src="/assets/index-E.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/shared-S.js">
    <link rel="stylesheet" crossorigin href="/assets/index-E.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;

let handle: Database_;
let fixture: Fixture;
let realDist: string;
let failingDist: string;
let slowDist: string;
let warmingDist: string;
let app: ReturnType<typeof createApp>;

/**
 * The content tests wait as long as a render takes on a loaded machine (they are about what
 * is drawn); the time-limit test uses the default.
 */
function appFor(webDist: string, timeLimit = '10000') {
  return createApp({
    db: handle.db,
    env: loadEnv({ NODE_ENV: 'test', WEB_DIST: webDist, SSR_TIME_LIMIT_MS: timeLimit }),
    log: pino({ level: process.env.SSR_TEST_LOG ?? 'silent' }),
  });
}

function shellDir(entry?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mg-ssr-'));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  // The loader that starts a drawn page's app after its first paint (apps/web/public).
  writeFileSync(join(dir, 'start-after-paint.js'), '');
  mkdirSync(join(dir, 'server'));
  if (entry !== undefined) {
    writeFileSync(join(dir, 'server', 'package.json'), '{ "type": "module" }');
    writeFileSync(join(dir, 'server', 'entry-server.js'), entry);
  }
  return dir;
}

beforeAll(async () => {
  realDist = shellDir();
  // The web's own server build, as `pnpm build` makes it (apps/web/vite.ssr.config.ts).
  execFileSync(
    process.execPath,
    [
      join(WEB, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'vite.ssr.config.ts',
      '--outDir',
      join(realDist, 'server'),
      '--logLevel',
      'error',
    ],
    // As a build runs it (vitest sets NODE_ENV=test, which would make Vite emit React's
    // development JSX calls against the production React the config defines).
    { cwd: WEB, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } },
  );
  // A render that throws whatever it is asked: the page must still go out, as the plain shell.
  failingDist = shellDir(
    `export function createRenderer() {
       return async () => { throw new Error('render exploded at /secret/path.tsx:12'); };
     }`,
  );
  // A render that keeps its thread busy for a second, far past the time limit.
  slowDist = shellDir(
    `export function createRenderer() {
       return async () => {
         const until = Date.now() + 1000;
         while (Date.now() < until);
         return { html: '<p>drawn too late</p>', language: 'nb' };
       };
     }`,
  );
  // A render still warming up (the first seconds after start) when the page is asked for.
  warmingDist = shellDir(
    `export function createRenderer() {
       const render = async () => ({ html: '<p>drawn once warm</p>', language: 'nb' });
       render.warm = () => new Promise((done) => setTimeout(done, 3000));
       return render;
     }`,
  );
  handle = createTestDatabase();
  fixture = seedFixture(handle, await hashPassword(PASSWORD));
  setTotpRequiredRoles(handle.db, []);
  app = appFor(realDist);
}, 240_000);
afterAll(() => {
  for (const dir of [realDist, failingDist, slowDist, warmingDist])
    rmSync(dir, { recursive: true, force: true });
});

async function login(email: string) {
  const res = await app.request('/trpc/auth.login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** What the server drew into #root (null: the plain, empty root). */
function drawn(html: string): { language: string; html: string } | null {
  // The app's code follows the root: its preloads (decision 040), then its script (033).
  const match = html.match(
    /<div id="root" data-ssr="([a-z]{2})">([\s\S]*)<\/div>\s*(?:<link rel="modulepreload"[^>]*>\s*)*<script type="module"[^>]*><\/script>\s*<\/body>/,
  );
  if (!match) {
    expect(html).toContain('<div id="root"></div>');
    return null;
  }
  return { language: match[1] ?? '', html: match[2] ?? '' };
}

const page = async (path: string, cookie: string, target = app) => {
  const res = await target.request(path, { headers: { cookie } });
  expect(res.status, path).toBe(200);
  return { html: await res.text(), res };
};

const lastLogId = () =>
  handle.db.get<{ id: number | null }>(sql`select max(id) as id from access_log`).id ?? 0;
const entriesAfter = (afterId: number) =>
  handle.db.all<{ action: string; target_count: number | null }>(
    sql`select action, target_count from access_log where id > ${afterId} order by id`,
  );

// The fixture's names that only one subsidiary has (Åse Ørnes is in both).
const ONLY_A = ['Bjørn Dæhli', 'Camilla Lund'];
const ONLY_B = ['David Berg', 'Eva Holm'];

describe('the server-drawn first paint', () => {
  it("draws a subsidiary user's own first page and nothing of the other subsidiary", async () => {
    for (const [email, own, other] of [
      ['a@test.no', ONLY_A, ONLY_B],
      ['b@test.no', ONLY_B, ONLY_A],
    ] as const) {
      const { html, res } = await page('/leads', await login(email));
      const root = drawn(html);
      expect(root, email).not.toBeNull();
      for (const name of own) expect(root?.html, email).toContain(name);
      // Nowhere in the answer: neither drawn nor in the data.
      for (const name of other) expect(html, email).not.toContain(name);
      expect(res.headers.get('cache-control')).toBe('no-store, private');
    }
  });

  it('draws every subsidiary for the admin, as rows of the grid', async () => {
    const { html } = await page('/leads', await login('admin@test.no'));
    const root = drawn(html);
    for (const name of [...ONLY_A, ...ONLY_B]) expect(root?.html).toContain(name);
    expect(root?.html).toMatch(/<table[\s\S]*<tbody[\s\S]*<tr/);
    // Norwegian without the language cookie, and Mantine's scheme before any script runs.
    expect(root?.language).toBe('nb');
    expect(html).toContain('<html lang="nb" data-mantine-color-scheme="light"');
  });

  it("draws in the language of the app's cookie", async () => {
    const cookie = await login('admin@test.no');
    const nb = drawn((await page('/leads', cookie)).html);
    const en = drawn((await page('/leads', `${cookie}; mg-lang=en`)).html);
    expect(en?.language).toBe('en');
    expect(nb?.html).toContain('Filter');
    expect(en?.html).not.toEqual(nb?.html);
    expect(en?.html).toContain('Leads');
  });

  it('draws the plain shell for an auditor, a signed-out visit and other pages', async () => {
    const auditor = await login('auditor@test.no');
    const admin = await login('admin@test.no');
    for (const [cookie, path] of [
      [auditor, '/leads'],
      [auditor, `/leads/${fixture.leadsA[0]}`],
      ['', '/leads'],
      ['', `/leads/${fixture.leadsA[0]}`],
      [admin, '/projects'],
      [admin, '/'],
    ] as const) {
      const { html } = await page(path, cookie);
      expect(drawn(html), `${path} ${cookie ? 'signed in' : 'signed out'}`).toBeNull();
      for (const name of [...ONLY_A, ...ONLY_B]) expect(html).not.toContain(name);
    }
  });

  it("draws a lead page with the lead's name, and not another subsidiary's lead", async () => {
    const cookie = await login('a@test.no');
    const own = drawn((await page(`/leads/${fixture.leadsA[1]}`, cookie)).html);
    expect(own?.html).toContain('Bjørn Dæhli');
    expect(own?.html).toMatch(/<h1[^>]*>[^<]*Bjørn Dæhli/);
    const { html } = await page(`/leads/${fixture.leadsB[1]}`, cookie);
    expect(drawn(html)).toBeNull();
    expect(html).not.toContain('David Berg');
  });

  it('writes exactly the access-log entries of the same reads over HTTP, once', async () => {
    const cookie = await login('a@test.no');
    const read = async (path: string, input: unknown) =>
      app.request(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
        headers: { cookie },
      });
    let before = lastLogId();
    expect(drawn((await page('/leads', cookie)).html)).not.toBeNull();
    const grid = entriesAfter(before);
    expect(grid).toEqual([{ action: expect.any(String), target_count: 3 }]);
    before = lastLogId();
    await read('lead.list', { limit: 50 });
    expect(entriesAfter(before)).toEqual(grid);

    const id = fixture.leadsA[0];
    before = lastLogId();
    expect(drawn((await page(`/leads/${id}`, cookie)).html)).not.toBeNull();
    const lead = entriesAfter(before);
    expect(lead.length).toBeGreaterThan(0);
    before = lastLogId();
    await read('lead.byId', { id });
    await read('consent.forwarding', { leadId: id });
    expect(entriesAfter(before)).toEqual(lead);
  });

  it('keeps interleaved renders of two users apart', async () => {
    const [a, b] = await Promise.all([login('a@test.no'), login('b@test.no')]);
    const cookies = [a, b, a, b, a, b, `${a}; mg-lang=en`, `${b}; mg-lang=en`];
    const pages = await Promise.all(cookies.map((cookie) => page('/leads', cookie)));
    pages.forEach(({ html }, i) => {
      const [own, other] = i % 2 === 0 ? [ONLY_A, ONLY_B] : [ONLY_B, ONLY_A];
      const root = drawn(html);
      for (const name of own) expect(root?.html, `page ${i}`).toContain(name);
      for (const name of other) expect(html, `page ${i}`).not.toContain(name);
      expect(root?.language, `page ${i}`).toBe(i >= 6 ? 'en' : 'nb');
    });
  });

  it('keeps renders started at the same moment apart: rows and language of their own', async () => {
    // The render itself, without the HTTP requests around it (they would space the renders out).
    const render = await loadPageRenderer(realDist, pino({ level: 'silent' }));
    if (!render) throw new Error('the server render did not load');
    const bootOf = async (email: string) => {
      const { html } = await page('/leads', await login(email));
      const text = html.match(/<script type="application\/json" id="boot">([\s\S]*?)<\/script>/);
      return JSON.parse(text?.[1] ?? 'null') as unknown;
    };
    const boots = [await bootOf('a@test.no'), await bootOf('b@test.no')];
    const languages = ['nb', 'en', 'en', 'nb', 'nb', 'en', 'en', 'nb'];
    const pages = await Promise.all(
      languages.map((language, i) =>
        render({ url: '/leads', boot: boots[i % 2], language }, AbortSignal.timeout(30_000)),
      ),
    );
    pages.forEach((drawnPage, i) => {
      const [own, other] = i % 2 === 0 ? [ONLY_A, ONLY_B] : [ONLY_B, ONLY_A];
      for (const name of own) expect(drawnPage?.html, `render ${i}`).toContain(name);
      for (const name of other) expect(drawnPage?.html, `render ${i}`).not.toContain(name);
      // The grid's name column, in the render's own language.
      const [header, otherHeader] =
        languages[i] === 'en' ? ['>Name<', '>Navn<'] : ['>Navn<', '>Name<'];
      expect(drawnPage?.html, `render ${i}`).toContain(header);
      expect(drawnPage?.html, `render ${i}`).not.toContain(otherHeader);
      // The worker's own time on the page, for the page timing in the debug log (decision 045).
      expect(drawnPage?.workerMs, `render ${i}`).toBeGreaterThan(0);
    });
  });

  it('sends the plain shell, with its data and no trace of the error, when the render throws', async () => {
    const failing = appFor(failingDist);
    const cookie = await login('admin@test.no');
    const { html } = await page('/leads', cookie, failing);
    expect(drawn(html)).toBeNull();
    expect(html).toContain('id="boot"');
    expect(html).toContain('Bjørn Dæhli');
    expect(html).not.toContain('exploded');
    expect(html).not.toContain('/secret/path');
  });

  it('sends the plain shell when the render is too slow, without waiting for it', async () => {
    const slow = appFor(slowDist, '100');
    const cookie = await login('admin@test.no');
    const { html } = await page('/leads', cookie, slow);
    expect(drawn(html)).toBeNull();
    expect(html).not.toContain('drawn too late');
    expect(html).toContain('Bjørn Dæhli');
  });

  it('sends the plain shell within the limit while the render is still warming up', async () => {
    const warming = appFor(warmingDist, '200');
    const cookie = await login('admin@test.no');
    const started = performance.now();
    const { html } = await page('/leads', cookie, warming);
    expect(performance.now() - started).toBeLessThan(2500);
    expect(drawn(html)).toBeNull();
    expect(html).toContain('Bjørn Dæhli');
  });

  it("starts a drawn page's app after its first paint, any other page's at once", async () => {
    const cookie = await login('admin@test.no');
    const scripts = (html: string) =>
      [...html.matchAll(/<script type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    const grid = (await page('/leads', cookie)).html;
    expect(drawn(grid)).not.toBeNull();
    expect(scripts(grid)).toEqual(['/start-after-paint.js']);
    // The loader finds the entry by its preload link.
    expect(grid).toMatch(
      /<link rel="modulepreload" crossorigin href="\/assets\/index-E.js" data-app-entry>/,
    );
    // After the drawn page, so it runs once that is parsed.
    expect(grid.indexOf('start-after-paint.js')).toBeGreaterThan(grid.indexOf('data-ssr'));
    const plain = (await page('/leads', await login('auditor@test.no'))).html;
    expect(drawn(plain)).toBeNull();
    expect(scripts(plain)).toEqual(['/assets/index-E.js']);
  });

  it('sends the head, with the stylesheets, before the page is drawn; the code after the page', async () => {
    // The slow render holds its thread for a second; this waits for it.
    const slow = appFor(slowDist, '5000');
    const cookie = await login('admin@test.no');
    const started = performance.now();
    const res = await slow.request('/leads', {
      headers: { cookie, 'accept-encoding': 'gzip' },
    });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    const first = await reader.read();
    const firstAt = performance.now() - started;
    const head = gunzipSync(first.value ?? new Uint8Array(), {
      finishFlush: constants.Z_SYNC_FLUSH,
    }).toString();
    expect(head).toContain('</head>');
    expect(head).toContain('<link rel="stylesheet" crossorigin href="/assets/index-E.css">');
    // The code waits: fetching and compiling it would share the cores with the first paint.
    expect(head).not.toContain('modulepreload');
    expect(head).not.toContain('id="boot"');
    const chunks = [first.value ?? new Uint8Array()];
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      chunks.push(next.value);
    }
    const doneAt = performance.now() - started;
    const html = gunzipSync(Buffer.concat(chunks)).toString();
    expect(html).toContain('drawn too late');
    expect(html).toContain('Bjørn Dæhli');
    // The entry (found by the loader through its link) and Vite's preloads, after the page.
    const order = [
      'drawn too late',
      '<link rel="modulepreload" crossorigin href="/assets/index-E.js" data-app-entry>',
      '<link rel="modulepreload" crossorigin href="/assets/shared-S.js">',
      'src="/start-after-paint.js"',
    ].map((part) => html.indexOf(part));
    expect(order.every((at) => at > head.length)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The render took a second; the head did not wait for it.
    expect(doneAt - firstAt).toBeGreaterThan(500);
  });

  it('warms up on the pages it draws: a grid full of rows and a lead, not a loading skeleton', async () => {
    // The built render as the worker loads it (lib/ssr.ts), with its warm-up's made-up pages.
    type Entry = {
      createRenderer(
        scope: AsyncLocalStorage<string>,
      ): (input: {
        url: string;
        boot: unknown;
        language: string;
        signal: AbortSignal;
      }) => Promise<{ html: string } | null>;
      warmPages(): [string, unknown][];
    };
    const entry = (await import(
      pathToFileURL(join(realDist, 'server', 'entry-server.js')).href
    )) as Entry;
    const render = entry.createRenderer(new AsyncLocalStorage<string>());
    const drawnPages = new Map<string, string>();
    for (const [url, boot] of entry.warmPages()) {
      const result = await render({
        url,
        boot,
        language: 'nb',
        signal: AbortSignal.timeout(30_000),
      });
      drawnPages.set(url, result?.html ?? '');
    }
    const grid = drawnPages.get('/leads') ?? '';
    expect(grid).not.toContain('mantine-Skeleton-root');
    expect(grid.match(/<tr /g)?.length).toBeGreaterThan(10);
    expect(grid).toContain('Kari Nordmann 12');
    expect(drawnPages.get('/leads/1')).toMatch(/<h1[^>]*>Kari Nordmann 1</);
  });

  it('does not hand out the server render as a file', async () => {
    const res = await app.request('/server/entry-server.js');
    expect(await res.text()).not.toContain('createRenderer');
  });
});
