import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import {
  anonymiseLeadsIn,
  audienceRowsByIds,
  type Database_,
  listAudienceIds,
  schema,
} from '@mg/db';
import { createTestDatabase, makeLead, seedFixture } from '@mg/db/testing';
import { scopeFor } from '@mg/shared';
import { stringify } from 'csv-stringify';
import { asc, eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { csvText } from '../src/lib/csv';
import { createApp } from '../src/server';
import { cookieFor, publicApp } from './public-helpers';

/** The audience export's access-log entries, oldest first. */
function exportEntries(handle: Database_) {
  return handle.db
    .select()
    .from(schema.accessLog)
    .where(eq(schema.accessLog.action, 'audience.export'))
    .orderBy(asc(schema.accessLog.id))
    .all();
}

/**
 * The audience export selects and logs the leads' ids, then reads their rows a chunk at a
 * time as the client takes the file (issue 11: flat memory at any audience size). Shown by a
 * lead anonymised after the answer started: its id is in the log entry (it was selected), its
 * row, in a later chunk, is not in the file, and no personal data of it leaves.
 */
describe('audience export streaming', () => {
  it('reads the rows chunk by chunk after logging the selected ids', async () => {
    const t = publicApp();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    const ids = t.handle.db.transaction((tx) =>
      Array.from({ length: 2050 }, (_, i) =>
        makeLead(tx, project, {
          name: `Strøm Person ${i}`,
          email: `strom${i}@example.no`,
          consent: { marketing_email: true },
        }),
      ),
    );
    const res = await t.app.request('/api/exports/audience.csv?purpose=marketing_email', {
      headers: {
        cookie: cookieFor(t.handle, t.f.users.admin),
        'sec-fetch-site': 'same-origin',
      },
    });
    expect(res.status).toBe(200);
    // Every part is logged before the answer: together they name the selection, in order.
    const logged = exportEntries(t.handle).flatMap(
      (e) => JSON.parse(e.targetIds ?? '[]') as number[],
    );
    // Newest first: the last selected lead is in the third chunk of 1,000.
    expect(logged.length).toBeGreaterThan(2000);
    const last = logged.at(-1) ?? 0;
    anonymiseLeadsIn(t.handle.db, {
      scope: scopeFor({ role: 'admin', subsidiaryId: null }),
      ids: [last],
      reason: { kind: 'cli' },
      log: () => {},
    });
    const csv = await res.text();
    const inFile = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.replace(/^\uFEFF/, '').split(',')[0]));
    expect(inFile).toEqual(logged.slice(0, -1));
    expect(ids).toHaveLength(2050);
    expect(ids.every((id) => logged.includes(id))).toBe(true);
  });
});

/** The real app over a fresh fixture database, with its log lines kept for the test. */
function appWithLog() {
  const handle = createTestDatabase();
  const f = seedFixture(handle);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, next) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      next();
    },
  });
  const app = createApp({
    db: handle.db,
    env: loadEnv({ NODE_ENV: 'test', PUBLIC_URL: 'https://leads.example.no' }),
    log: pino({ level: 'info' }, sink),
  });
  return { app, handle, f, lines };
}

/** Consenting leads written in one statement, each with its own e-mail and phone. */
function manyLeads(
  handle: Database_,
  project: { id: number; subsidiaryId: number },
  n: number,
  name: string,
  /** Random bytes (as hex) added to each name: text that gzip cannot shrink much. */
  noise = 0,
) {
  const at = Date.parse('2026-03-01T10:00:00Z');
  handle.db.run(sql`
    with recursive k(i) as (select 1 union all select i + 1 from k where i < ${n})
    insert into leads (project_id, subsidiary_id, name, email, phone, source, consent_email,
      consent_sms, created_at, status_changed_at, last_activity_at, updated_at, email_hmac,
      phone_hmac)
    select ${project.id}, ${project.subsidiaryId}, ${name} || i || (case when ${noise} > 0 then ' ' || hex(randomblob(${noise})) else '' end), 'stor' || i || '@example.no',
      '+4790' || (100000 + i), 'demo', 1, 1, ${at}, ${at}, ${at}, ${at},
      printf('%064x', i), printf('%064x', i + ${n})
    from k`);
}

describe('audience export as a stream of parts', () => {
  it('writes byte for byte the file csv-stringify streamed: one BOM, one header, every row', async () => {
    const t = publicApp();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    // Cells that need quoting or the formula guard, in every part of 1,000.
    const awkward = ['Ola "Nordmann"', 'Kari, Nordmann', 'Linje\nskift', '=SUM(A1)', 'Åse Ødegård'];
    t.handle.db.transaction((tx) => {
      for (let i = 0; i < 2100; i++)
        makeLead(tx, project, {
          name: `${awkward[i % awkward.length]} ${i}`,
          email: `del${i}@example.no`,
          consent: { marketing_email: true },
        });
    });
    const res = await t.app.request('/api/exports/audience.csv?purpose=marketing_email', {
      headers: { cookie: cookieFor(t.handle, t.f.users.admin), 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status).toBe(200);
    const got = Buffer.from(await res.arrayBuffer());

    // The same selection written as before: every row through csv-stringify's stream.
    const ids = listAudienceIds(t.handle.db, {
      scope: scopeFor({ role: 'admin', subsidiaryId: null }),
      purpose: 'marketing_email',
    });
    // Three parts of 1,000 (the fixture's own consenting leads as well).
    expect(ids.length).toBeGreaterThan(2100);
    const csv = stringify({
      bom: true,
      header: true,
      columns: ['lead_id', 'name', 'email', 'project', 'consent_granted_at'],
    });
    const chunks: Buffer[] = [];
    csv.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    const ended = new Promise((ok) => csv.on('end', ok));
    for (let i = 0; i < ids.length; i += 1000)
      for (const r of audienceRowsByIds(t.handle.db, {
        purpose: 'marketing_email',
        ids: ids.slice(i, i + 1000),
      }))
        csv.write([
          r.id,
          csvText(r.name),
          csvText(r.contact),
          csvText(r.projectName),
          new Date(r.grantedAt).toISOString(),
        ]);
    csv.end();
    await ended;
    const expected = Buffer.concat(chunks);
    expect(got.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(got.indexOf(Buffer.from([0xef, 0xbb, 0xbf]), 3)).toBe(-1);
    expect(got.toString('utf8')).toBe(expected.toString('utf8'));
  });

  it.each(['identity', 'gzip'])(
    'reads no further than the client takes, and stops when it goes away (a real socket, %s)',
    async (encoding) => {
      const t = appWithLog();
      const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
      // ~40 MB of CSV: far more than the socket buffers between server and client hold.
      const selected = 30_000;
      manyLeads(t.handle, project, selected, 'Langt Navn ', 500);
      const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
      try {
        await new Promise<void>((ok) => server.once('listening', () => ok()));
        const { port } = server.address() as AddressInfo;
        const cookie = cookieFor(t.handle, t.f.users.admin);
        // node:http sends no Accept-Encoding of its own: the file comes as asked.
        let settled = false;
        const firstBytes = await new Promise<number>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path: '/api/exports/audience.csv?purpose=marketing_sms',
              headers: { cookie, 'sec-fetch-site': 'same-origin', 'accept-encoding': encoding },
            },
            (res) => {
              expect(res.statusCode).toBe(200);
              expect(res.headers['content-encoding']).toBe(
                encoding === 'gzip' ? 'gzip' : undefined,
              );
              res.once('data', (chunk: Buffer) => {
                // The first part arrived: stop reading for three seconds (backpressure: the server
                // must not read ahead of the socket), then hang up.
                res.pause();
                setTimeout(() => {
                  settled = true;
                  req.destroy();
                  resolve(chunk.length);
                }, 3000);
              });
            },
          );
          req.on('error', (e) => {
            if (!settled) reject(e);
          });
          req.end();
        });
        expect(firstBytes).toBeGreaterThan(0);
        let line: Record<string, unknown> | undefined;
        for (let i = 0; i < 100 && !line; i++) {
          await new Promise((ok) => setTimeout(ok, 50));
          line = t.lines.find((l) => l.action === 'audience.export');
        }
        expect(line?.msg).toBe('audience export cut short by the client');
        expect(line?.selected).toBe(selected);
        // Only what the socket buffers took was read (a few MB: up to ~8 parts of 1,000 with
        // gzip), not the 30 a server reading ahead gets through in the three seconds.
        expect(Number(line?.rows)).toBeGreaterThan(0);
        expect(Number(line?.rows)).toBeLessThan(selected / 2);
        // And no part is read after that.
        const rows = line?.rows;
        await new Promise((ok) => setTimeout(ok, 300));
        expect(t.lines.filter((l) => l.action === 'audience.export')).toHaveLength(1);
        expect(line?.rows).toBe(rows);
        // The access log says what left: after the selection's 'ok' parts, an 'error' entry
        // (in parts of 1,000) naming the ids of the rows sent, the first of the selection.
        let cut: ReturnType<typeof exportEntries> = [];
        for (let i = 0; i < 100; i++) {
          cut = exportEntries(t.handle).filter((e) => e.outcome === 'error');
          if (cut.reduce((n, e) => n + (e.targetCount ?? 0), 0) === Number(rows)) break;
          await new Promise((ok) => setTimeout(ok, 50));
        }
        const selectedIds = exportEntries(t.handle)
          .filter((e) => e.outcome === 'ok')
          .flatMap((e) => JSON.parse(e.targetIds ?? '[]') as number[]);
        expect(selectedIds).toHaveLength(selected);
        const sentIds = cut.flatMap((e) => JSON.parse(e.targetIds ?? '[]') as number[]);
        expect(sentIds).toEqual(selectedIds.slice(0, Number(rows)));
        expect(cut.every((e) => (e.targetCount ?? 0) <= 1000)).toBe(true);
        expect(JSON.parse(cut[0]?.detail ?? '{}')).toMatchObject({
          consentPurpose: 'marketing_sms',
          count: Number(rows),
          selected,
          reason: 'aborted',
        });
      } finally {
        await new Promise<void>((ok) => server.close(() => ok()));
      }
    },
  );

  it('logs a whole download as sent', async () => {
    const t = appWithLog();
    manyLeads(t.handle, { id: t.f.projectA, subsidiaryId: t.f.subA }, 1500, 'Hel Fil ');
    const res = await t.app.request('/api/exports/audience.csv?purpose=marketing_sms', {
      headers: { cookie: cookieFor(t.handle, t.f.users.admin), 'sec-fetch-site': 'same-origin' },
    });
    const rows = (await res.text()).trim().split('\n').length - 1;
    expect(rows).toBe(1500);
    expect(t.lines.filter((l) => l.action === 'audience.export')).toEqual([
      expect.objectContaining({ msg: 'audience export sent', rows: 1500 }),
    ]);
    // Two 'ok' parts name the selection; a whole download writes no 'error' entry.
    expect(exportEntries(t.handle).map((e) => [e.outcome, e.targetCount])).toEqual([
      ['ok', 1000],
      ['ok', 500],
    ]);
  });
});
