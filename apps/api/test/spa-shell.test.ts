// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are checked field by field
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync, inflateSync } from 'node:zlib';
import { type Database_, schema, setTotpRequiredRoles } from '@mg/db';
import { createTestDatabase, type Fixture, seedFixture } from '@mg/db/testing';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { hashPassword } from '../src/lib/password';
import { jsonForHtml, streamPage } from '../src/lib/spa-shell';
import { createApp } from '../src/server';

/**
 * index.html per request (issue 11 point 2, lib/spa-shell.ts): a signed-in load carries the
 * caller's `auth.me` answer and the requested page's chunks; anyone else gets the plain file.
 */

const PASSWORD = 'riktig-passord-123';
/** A name that would end the script element if it were written into the page unescaped. */
const HOSTILE_NAME = 'Eve </script><script>alert(1)</script><!-- & \u2028';

/**
 * A build as Vite writes it: the entry and its static imports, the lazy layout, two route
 * modules and their string groups.
 */
const INDEX_HTML = `<!doctype html>
<html lang="nb">
  <head>
    <title>MG Leads</title>
    <script type="module" crossorigin src="/assets/index-E.js"></script>
    <link rel="modulepreload" crossorigin href="/assets/shared-S.js">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;
const MANIFEST = {
  'index.html': {
    file: 'assets/index-E.js',
    isEntry: true,
    imports: ['_shared-S.js'],
    dynamicImports: ['src/routes/leads/leads-page.tsx', 'src/routes/leads/lead-detail-page.tsx'],
    css: ['assets/index-E.css'],
  },
  '_shared-S.js': { file: 'assets/shared-S.js' },
  '_table-T.js': { file: 'assets/table-T.js', imports: ['_shared-S.js'] },
  'src/routes/layout/app-layout.tsx': {
    file: 'assets/app-layout-A.js',
    isDynamicEntry: true,
    imports: ['index.html', '_shared-S.js'],
  },
  'virtual:strings/nb-leads': { file: 'assets/nb-leads-N.js', isDynamicEntry: true },
  'virtual:strings/nb-lead': { file: 'assets/nb-lead-M.js', isDynamicEntry: true },
  'src/routes/leads/leads-page.tsx': {
    file: 'assets/leads-page-L.js',
    isDynamicEntry: true,
    imports: ['index.html', '_shared-S.js', '_table-T.js'],
    css: ['assets/leads-page-L.css'],
  },
  'src/routes/leads/lead-detail-page.tsx': {
    file: 'assets/lead-detail-page-D.js',
    isDynamicEntry: true,
    imports: ['index.html', '_table-T.js'],
  },
};

let app: ReturnType<typeof createApp>;
let handle: Database_;
let webDist: string;
let fixture: Fixture;

beforeAll(async () => {
  webDist = mkdtempSync(join(tmpdir(), 'mg-spa-shell-'));
  mkdirSync(join(webDist, '.vite'));
  writeFileSync(join(webDist, 'index.html'), INDEX_HTML);
  writeFileSync(join(webDist, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
  handle = createTestDatabase();
  fixture = seedFixture(handle, await hashPassword(PASSWORD));
  setTotpRequiredRoles(handle.db, []);
  app = createApp({
    db: handle.db,
    env: loadEnv({ NODE_ENV: 'test', WEB_DIST: webDist }),
    log: pino({ level: 'silent' }),
  });
});
afterAll(() => rmSync(webDist, { recursive: true, force: true }));

async function login(email: string) {
  const res = await app.request('/trpc/auth.login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** The boot block's text as the browser sees it, or null when the page has none. */
function bootText(html: string): string | null {
  const match = html.match(/<script type="application\/json" id="boot">([\s\S]*?)<\/script>/);
  return match?.[1] ?? null;
}

const preloads = (html: string) =>
  [...html.matchAll(/<link rel="(?:modulepreload|preload)"[^>]*href="([^"]+)"/g)].map((m) => m[1]);

const accessLogCount = () =>
  handle.db.get<{ n: number }>(sql`select count(*) as n from access_log`).n;

describe('the SPA shell', () => {
  it('is the plain file for a visit without a session, revalidated every time', async () => {
    for (const path of ['/', '/index.html', '/leads', '/leads/1']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toBe(INDEX_HTML);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(res.headers.get('vary'), path).toMatch(/cookie/i);
    }
  });

  it('treats an unknown or tampered cookie as no session, and clears it as auth.me does', async () => {
    const valid = await login('admin@test.no');
    for (const cookie of ['mg_session=nope.nope', `${valid}x`]) {
      const res = await app.request('/leads', { headers: { cookie } });
      expect(await res.text(), cookie).toBe(INDEX_HTML);
      expect(res.headers.get('set-cookie'), cookie).toMatch(/^mg_session=;.*Max-Age=0/);
    }
  });

  it("carries the caller's own auth.me answer, and is kept by no cache", async () => {
    const cookie = await login('a@test.no');
    const res = await app.request('/leads', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store, private');
    expect(res.headers.get('vary')).toMatch(/cookie/i);
    const text = bootText(await res.text());
    expect(text).not.toBeNull();
    const me = await app.request('/trpc/auth.me', { headers: { cookie } });
    const answer = ((await me.json()) as any).result.data;
    // Exactly what auth.me says to the same caller: their own profile and permissions.
    expect(JSON.parse(text ?? '').me).toEqual(answer);
    expect(answer.user.email).toBe('a@test.no');
    expect(text).not.toContain('admin@test.no');
    expect(text).not.toContain('b@test.no');
  });

  it('writes no access-log entry on a page without data, as auth.me writes none', async () => {
    const cookie = await login('admin@test.no');
    const before = accessLogCount();
    const res = await app.request('/projects', { headers: { cookie } });
    expect(bootText(await res.text())).not.toBeNull();
    expect(accessLogCount()).toBe(before);
  });

  it('escapes the answer so that no value can end the script element', async () => {
    const userId = handle.db
      .select({ id: schema.users.id })
      .from(schema.users)
      .where(eq(schema.users.email, 'po@test.no'))
      .get()?.id;
    expect(userId).toBeDefined();
    handle.db
      .update(schema.users)
      .set({ name: HOSTILE_NAME })
      .where(eq(schema.users.id, userId ?? 0))
      .run();
    const cookie = await login('po@test.no');
    const html = await (await app.request('/leads', { headers: { cookie } })).text();
    // One script element for the data and the entry's own: nothing the name opened.
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(html).not.toContain('<!--');
    const text = bootText(html);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text ?? '').me.user.name).toBe(HOSTILE_NAME);
  });

  it("preloads the requested page's own chunks for someone allowed to see it", async () => {
    const cookie = await login('admin@test.no');
    const grid = await (await app.request('/leads', { headers: { cookie } })).text();
    // The layout, the route module, its strings and what they add to the entry's graph; not
    // what index.html names.
    // The entry first (its script is at the end of the body, decision 033), the page's
    // stylesheet before its code.
    expect(preloads(grid)).toEqual([
      '/assets/index-E.js',
      '/assets/shared-S.js',
      '/assets/leads-page-L.css',
      '/assets/app-layout-A.js',
      '/assets/leads-page-L.js',
      '/assets/table-T.js',
      '/assets/nb-leads-N.js',
    ]);
    const lead = await (await app.request('/leads/12', { headers: { cookie } })).text();
    expect(preloads(lead)).toEqual([
      '/assets/index-E.js',
      '/assets/shared-S.js',
      '/assets/app-layout-A.js',
      '/assets/lead-detail-page-D.js',
      '/assets/table-T.js',
      '/assets/nb-lead-M.js',
    ]);
    // Another page: its data block, but no page code to guess.
    const other = await (await app.request('/projects', { headers: { cookie } })).text();
    expect(bootText(other)).not.toBeNull();
    expect(preloads(other)).toEqual(['/assets/index-E.js', '/assets/shared-S.js']);
  });

  it('preloads no page the caller may not see (the app shows "no access" there)', async () => {
    const cookie = await login('auditor@test.no');
    const html = await (await app.request('/leads', { headers: { cookie } })).text();
    expect(JSON.parse(bootText(html) ?? '').me.stage).toBe('full');
    expect(preloads(html)).toEqual(['/assets/index-E.js', '/assets/shared-S.js']);
  });

  it('preloads nothing for a session at the second-factor step', async () => {
    // The auditor must now enrol a second factor first: a session at that step.
    setTotpRequiredRoles(handle.db, ['auditor']);
    const cookie = await login('auditor@test.no');
    setTotpRequiredRoles(handle.db, []);
    const res = await app.request('/leads', { headers: { cookie } });
    const html = await res.text();
    expect(JSON.parse(bootText(html) ?? '').me).toMatchObject({ stage: 'enrol', permissions: [] });
    expect(res.headers.get('cache-control')).toBe('no-store, private');
    expect(preloads(html)).toEqual(['/assets/index-E.js', '/assets/shared-S.js']);
  });

  it('writes JSON the browser reads back unchanged', () => {
    const value = { a: '</script>', b: '<!--', c: 'x & y', d: '\u2028\u2029', e: 'æøå' };
    const text = jsonForHtml(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

/** The access log's entries after `afterId`, as the comparisons need them. */
function entriesAfter(afterId: number) {
  return handle.db.all<{
    action: string;
    purpose: string | null;
    target_type: string | null;
    target_ids: string | null;
    target_count: number | null;
    outcome: string;
    actor_user_id: number | null;
  }>(
    sql`select action, purpose, target_type, target_ids, target_count, outcome, actor_user_id
        from access_log where id > ${afterId} order by id`,
  );
}
const lastLogId = () =>
  handle.db.get<{ id: number | null }>(sql`select max(id) as id from access_log`).id ?? 0;

/** A tRPC query over HTTP, as the app sends it: its answer, or its error code. */
async function query(cookie: string, path: string, input: unknown) {
  const res = await app.request(
    `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
    {
      headers: { cookie },
    },
  );
  const body = (await res.json()) as any;
  return {
    status: res.status,
    data: body.result?.data,
    code: body.error?.data?.code,
    error: body.error,
  };
}

describe("the page's data in the SPA shell", () => {
  it("carries the grid's first page for the URL's filter: what lead.list answers that caller", async () => {
    const cookie = await login('admin@test.no');
    const html = await (
      await app.request('/leads?status=new&sort=name&dir=asc', { headers: { cookie } })
    ).text();
    const boot = JSON.parse(bootText(html) ?? '');
    // The same parse of the URL as the app's, and the page size the app asks for.
    expect(boot.leadList.input).toEqual({ status: ['new'], sort: 'name', dir: 'asc', limit: 50 });
    const answer = await query(cookie, 'lead.list', {
      ...boot.leadList.input,
      direction: 'forward',
    });
    expect(answer.status).toBe(200);
    expect(boot.leadList.page).toEqual(answer.data);
    expect(boot.leadList.page.items).toHaveLength(6);
  });

  it("holds only the caller's own subsidiary's leads for a subsidiary user", async () => {
    for (const [email, own, other] of [
      ['a@test.no', fixture.leadsA, fixture.leadsB],
      ['b@test.no', fixture.leadsB, fixture.leadsA],
    ] as const) {
      const cookie = await login(email);
      const boot = JSON.parse(
        bootText(await (await app.request('/leads', { headers: { cookie } })).text()) ?? '',
      );
      const ids = boot.leadList.page.items
        .map((row: any) => row.id)
        .sort((a: number, b: number) => a - b);
      expect(ids, email).toEqual([...own].sort((a, b) => a - b));
      for (const id of other) expect(ids, email).not.toContain(id);
      const answer = await query(cookie, 'lead.list', { limit: 50, direction: 'forward' });
      expect(boot.leadList.page, email).toEqual(answer.data);
    }
  });

  it("writes exactly the access-log entry the grid's own request writes, once", async () => {
    const cookie = await login('a@test.no');
    const before = lastLogId();
    const html = await (await app.request('/leads', { headers: { cookie } })).text();
    expect(bootText(html)).toContain('leadList');
    const shell = entriesAfter(before);
    expect(shell).toHaveLength(1);
    const between = lastLogId();
    await query(cookie, 'lead.list', { limit: 50, direction: 'forward' });
    const http = entriesAfter(between);
    expect(http).toHaveLength(1);
    expect(shell).toEqual(http);
    expect(shell[0]).toMatchObject({ outcome: 'ok', target_count: 3 });
  });

  it("carries a lead page's lead and forwarding log, logged as the app's two reads are", async () => {
    const cookie = await login('a@test.no');
    const id = fixture.leadsA[0] ?? 0;
    const before = lastLogId();
    const boot = JSON.parse(
      bootText(await (await app.request(`/leads/${id}`, { headers: { cookie } })).text()) ?? '',
    );
    const shell = entriesAfter(before);
    const between = lastLogId();
    const byId = await query(cookie, 'lead.byId', { id });
    const forwarding = await query(cookie, 'consent.forwarding', { leadId: id });
    expect(boot.lead).toEqual({ id, byId: byId.data, forwarding: forwarding.data });
    expect(boot.lead.byId.lead.name).toBe('Åse Ørnes');
    expect(shell).toEqual(entriesAfter(between));
    expect(shell.length).toBeGreaterThan(0);
    expect(boot.leadList).toBeUndefined();
  });

  it("holds only the refusal of another subsidiary's lead, as the app's read gets it, logged once", async () => {
    const cookie = await login('a@test.no');
    const id = fixture.leadsB[0] ?? 0;
    const before = lastLogId();
    const html = await (await app.request(`/leads/${id}`, { headers: { cookie } })).text();
    const boot = JSON.parse(bootText(html) ?? '');
    expect(html).not.toContain('Ørnes');
    // One denied read, and no forwarding log asked for a lead the caller may not see.
    const shell = entriesAfter(before);
    expect(shell.map((entry) => [entry.action, entry.outcome])).toEqual([['lead.byId', 'denied']]);
    const between = lastLogId();
    const answer = await query(cookie, 'lead.byId', { id });
    expect(answer.code).toBe('NOT_FOUND');
    expect(shell).toEqual(entriesAfter(between));
    // The app files the refusal as its read's error (lib/prefetch.ts): the same error as the
    // HTTP answer's, down to the request id, which is the page request's own.
    const { requestId, ...refusal } = boot.lead.refused.data;
    const { requestId: answerRequestId, ...answered } = answer.error.data;
    expect(boot.lead).toEqual({
      id,
      refused: expect.objectContaining({ code: answer.error.code }),
    });
    expect(boot.lead.refused.message).toBe(answer.error.message);
    expect(refusal).toEqual(answered);
    expect(typeof requestId).toBe('string');
    expect(requestId).not.toBe(answerRequestId);
    expect(html).not.toContain('stack');
  });

  it('reads no data for a caller without lead:read, a signed-out visit or another page', async () => {
    const auditor = await login('auditor@test.no');
    const admin = await login('admin@test.no');
    for (const [cookie, path] of [
      [auditor, '/leads'],
      [auditor, `/leads/${fixture.leadsA[0]}`],
      ['', '/leads'],
      [admin, '/projects'],
      [admin, '/leads/0'],
      [admin, '/leads/abc'],
      [admin, '/leads/1/edit'],
    ] as const) {
      const before = lastLogId();
      const html = await (await app.request(path, { headers: cookie ? { cookie } : {} })).text();
      const boot = JSON.parse(bootText(html) ?? '{}');
      expect(boot.leadList, path).toBeUndefined();
      expect(boot.lead, path).toBeUndefined();
      expect(entriesAfter(before), `${path} ${cookie}`).toEqual([]);
    }
  });

  it('leaves out a grid page the filter makes fail, and still serves the page', async () => {
    const cookie = await login('admin@test.no');
    // Each field alone is valid; together the range is empty, which the app shows itself.
    const res = await app.request('/leads?from=2025-02-01&to=2025-01-01', { headers: { cookie } });
    expect(res.status).toBe(200);
    const boot = JSON.parse(bootText(await res.text()) ?? '');
    expect(boot.me.stage).toBe('full');
  });
});

describe('the signed-in page, streamed (decision 033)', () => {
  it('moves the entry to the end of the body, after the data and the root, and preloads it', async () => {
    const cookie = await login('admin@test.no');
    const html = await (await app.request('/leads', { headers: { cookie } })).text();
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head).toContain(
      '<link rel="modulepreload" crossorigin href="/assets/index-E.js" data-app-entry>',
    );
    expect(head).not.toContain('<script');
    // No server render in this build: the page starts as it always did, with the entry.
    const scripts = [...html.matchAll(/<script type="module"[^>]*src="([^"]+)"/g)];
    expect(scripts.map((m) => m[1])).toEqual(['/assets/index-E.js']);
    const order = ['id="boot"', '<div id="root"></div>', 'src="/assets/index-E.js"', '</body>'];
    const at = order.map((part) => html.indexOf(part));
    expect(at.every((i) => i > head.length)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  /** A read's result, or 'waiting' when it has none within `ms`. */
  const within = <T>(read: Promise<T>, ms: number) =>
    Promise.race([
      read,
      new Promise<'waiting'>((settle) => setTimeout(() => settle('waiting'), ms)),
    ]);

  for (const encoding of ['gzip', 'deflate', undefined] as const) {
    it(`sends the head before the rest is known (${encoding ?? 'uncompressed'})`, async () => {
      let finish: (text: string) => void = () => undefined;
      const rest = new Promise<string>((settle) => {
        finish = settle;
      });
      const reader = streamPage('<head>styles</head>', rest, encoding).getReader();
      const decode = (bytes: Uint8Array) =>
        encoding === 'gzip'
          ? gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString()
          : encoding === 'deflate'
            ? inflateSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString()
            : new TextDecoder().decode(bytes);
      const first = await within(reader.read(), 1000);
      if (first === 'waiting' || first.done) throw new Error('the head did not go out on its own');
      expect(decode(first.value)).toBe('<head>styles</head>');
      // Nothing more until the rest is known.
      const second = reader.read();
      expect(await within(second, 100)).toBe('waiting');
      finish('<body>rows</body>');
      const chunks = [first.value];
      const after = await second;
      if (!after.done) chunks.push(after.value);
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        chunks.push(next.value);
      }
      expect(decode(Buffer.concat(chunks))).toBe('<head>styles</head><body>rows</body>');
    });
  }
});
