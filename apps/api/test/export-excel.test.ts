import { readFileSync } from 'node:fs';
import { schema } from '@mg/db';
import { makeLead } from '@mg/db/testing';
import { LEAD_COLUMNS, LEAD_STATUSES, leadExportPath } from '@mg/shared';
import { desc, eq, gt } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOG_IDS_PART } from '../src/lib/access-log';
import { excelCsv, osloDateTime, osloWallClockDate, osloWallForTest } from '../src/lib/csv';
import { EXPORT_LABELS } from '../src/lib/export-labels';
import { EXPORT_CHUNK_ROWS } from '../src/public/export-leads';
import { parseCsv } from './csv-parse';
import { cookieFor, publicApp } from './public-helpers';

// 2024-03-31: Oslo moves from CET (+1) to CEST (+2) at 01:00 UTC.
const BEFORE_DST = Date.UTC(2024, 2, 31, 0, 30); // 01:30 in Oslo
const AFTER_DST = Date.UTC(2024, 2, 31, 1, 30); // 03:30 in Oslo
// 2024-10-27: back to CET at 01:00 UTC; 00:30 UTC is 02:30 CEST, 01:30 UTC is 02:30 CET.
const AUTUMN_FIRST = Date.UTC(2024, 9, 27, 0, 30);
const AUTUMN_SECOND = Date.UTC(2024, 9, 27, 1, 30);

describe('Oslo date-times for spreadsheets', () => {
  it('writes dd.mm.yyyy HH:mm on Oslo’s clock on both sides of a DST change', () => {
    expect(osloDateTime(BEFORE_DST)).toBe('31.03.2024 01:30');
    expect(osloDateTime(AFTER_DST)).toBe('31.03.2024 03:30');
    expect(osloDateTime(AUTUMN_FIRST)).toBe('27.10.2024 02:30');
    expect(osloDateTime(AUTUMN_SECOND)).toBe('27.10.2024 02:30');
    expect(osloDateTime(Date.UTC(2024, 11, 31, 23, 5))).toBe('01.01.2025 00:05');
    expect(osloWallClockDate(AFTER_DST).toISOString()).toBe('2024-03-31T03:30:00.000Z');
    expect(osloWallClockDate(BEFORE_DST).toISOString()).toBe('2024-03-31T01:30:00.000Z');
  });

  it('the offset kept per UTC hour gives Intl’s wall clock at any instant 2000–2100', () => {
    const { cached, intl } = osloWallForTest;
    // Every minute around both changes of 2024 (the hours they fall in, and their neighbours),
    // then instants spread over the century with random milliseconds: each asked twice, so
    // the second answer comes from the cache.
    const instants: number[] = [];
    for (const change of [Date.UTC(2024, 2, 31, 1), Date.UTC(2024, 9, 27, 1)])
      for (let t = change - 2 * 3_600_000; t < change + 2 * 3_600_000; t += 60_000)
        instants.push(t, t + 59_999);
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const from = Date.UTC(2000, 0, 1);
    const to = Date.UTC(2100, 11, 31);
    for (let i = 0; i < 5000; i++) instants.push(Math.floor(from + random() * (to - from)));
    for (const at of [...instants, ...instants])
      expect(cached(at), new Date(at).toISOString()).toEqual(intl(at));
  });

  it('quotes cells with a semicolon, a quote or a line break, and ends records with CRLF', () => {
    expect(excelCsv([['a;b', 'x"y', 'l1\nl2', 3]])).toBe('"a;b";"x""y";"l1\nl2";3\r\n');
  });
});

describe('server labels match the web app’s', () => {
  const locale = (lang: string) =>
    JSON.parse(
      readFileSync(new URL(`../../web/src/locales/${lang}.json`, import.meta.url), 'utf8'),
    ) as Record<string, Record<string, string>>;
  it.each(['nb', 'en'] as const)('%s', (lang) => {
    const web = locale(lang);
    const labels = EXPORT_LABELS[lang];
    for (const col of LEAD_COLUMNS) expect(labels.leadColumn[col]).toBe(web.leadColumn?.[col]);
    for (const status of LEAD_STATUSES)
      expect(labels.leadStatus[status]).toBe(web.leadStatus?.[status]);
    expect(labels.yes).toBe(web.common?.yes);
    expect(labels.no).toBe(web.common?.no);
  });
});

describe('lead export for Norwegian Excel', () => {
  const t = publicApp();
  const { accessLog } = schema;
  const columns = ['id', 'name', 'status', 'consentEmail', 'createdAt', 'phone'] as const;
  let ids: number[] = [];
  let restricted = 0;
  let cookie = '';

  beforeAll(() => {
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    ids = t.handle.db.transaction((tx) => [
      makeLead(tx, project, {
        name: 'Dahl; Berg "Junior"',
        phone: '+4791111111',
        createdAt: BEFORE_DST,
        status: 'contacted',
        consent: { marketing_email: true },
      }),
      makeLead(tx, project, {
        name: '=HYPERLINK("http://x","klikk")',
        phone: '+4792222222',
        createdAt: AFTER_DST,
      }),
    ]);
    restricted = t.handle.db.transaction((tx) =>
      makeLead(tx, project, { name: 'Begrenset Person', createdAt: AFTER_DST }),
    );
    t.handle.db
      .update(schema.leads)
      .set({ restricted: true })
      .where(eq(schema.leads.id, restricted))
      .run();
    cookie = cookieFor(t.handle, t.f.users.userA);
  });

  // Only the two leads above: the fixture's leads were made "now", these in 2024.
  const filter = { to: '2024-12-31', sort: 'createdAt', dir: 'asc' } as const;

  it('CSV: BOM, semicolons, CRLF, Norwegian headers and labels, Oslo times, formulas kept as text', async () => {
    const res = await t.app.request(leadExportPath(filter, [...columns], 'follow_up'), {
      headers: { cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/filename="leads-[\d-]+\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(parseCsv(text, ';')).toEqual([
      ['ID', 'Navn', 'Status', 'Samtykke e-post', 'Mottatt', 'Telefon'],
      [String(ids[0]), 'Dahl; Berg "Junior"', 'Kontaktet', 'Ja', '31.03.2024 01:30', '+4791111111'],
      [
        String(ids[1]),
        `'=HYPERLINK("http://x","klikk")`,
        'Ny',
        'Nei',
        '31.03.2024 03:30',
        '+4792222222',
      ],
    ]);
  });

  it('CSV in English when the user’s language is en', async () => {
    const res = await t.app.request(
      leadExportPath(filter, ['status', 'consentEmail', 'createdAt'], 'follow_up', { lang: 'en' }),
      { headers: { cookie } },
    );
    // TextDecoder drops the BOM.
    const rows = parseCsv(new TextDecoder().decode(await res.arrayBuffer()), ';');
    expect(rows).toEqual([
      ['Status', 'Email consent', 'Received'],
      ['Contacted', 'Yes', '31.03.2024 01:30'],
      ['New', 'No', '31.03.2024 03:30'],
    ]);
  });

  it('.xlsx: the same rows and columns read back, with typed cells, logged like the CSV', async () => {
    const before =
      t.handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).limit(1).get()?.id ?? 0;
    const res = await t.app.request(
      leadExportPath(filter, [...columns], 'reporting', { format: 'xlsx' }),
      { headers: { cookie } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).toMatch(/filename="leads-[\d-]+\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const values = sheet
      .getSheetValues()
      .filter((row) => row !== undefined)
      .map((row) => (Array.isArray(row) ? row.slice(1) : row));
    expect(values).toEqual([
      ['ID', 'Navn', 'Status', 'Samtykke e-post', 'Mottatt', 'Telefon'],
      [
        ids[0],
        'Dahl; Berg "Junior"',
        'Kontaktet',
        'Ja',
        new Date('2024-03-31T01:30:00Z'),
        '+4791111111',
      ],
      [
        ids[1],
        '=HYPERLINK("http://x","klikk")',
        'Ny',
        'Nei',
        new Date('2024-03-31T03:30:00Z'),
        '+4792222222',
      ],
    ]);
    // A string cell (never a formula), a number cell and a date cell in Norwegian order.
    expect(sheet.getCell('B3').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell('E2').type).toBe(ExcelJS.ValueType.Date);
    expect(sheet.getCell('E2').numFmt).toBe('dd.mm.yyyy hh:mm');

    const entries = t.handle.db
      .select()
      .from(accessLog)
      .where(gt(accessLog.id, before))
      .orderBy(accessLog.id)
      .all();
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['lead.exportStarted', 'ok'],
      ['lead.export', 'ok'],
    ]);
    expect(JSON.parse(entries[1]?.targetIds ?? '[]')).toEqual(ids);
    expect(JSON.parse(entries[1]?.detail ?? '{}')).toMatchObject({ format: 'xlsx', count: 2 });
    expect(entries[1]?.targetIds).not.toContain(String(restricted));
  });

  it('.xlsx keeps the same refusals: no lead:export is 403 and logged as denied', async () => {
    const res = await t.app.request(
      leadExportPath(filter, ['id'], 'follow_up', { format: 'xlsx' }),
      {
        headers: { cookie: cookieFor(t.handle, t.f.users.auditor) },
      },
    );
    expect(res.status).toBe(403);
    const last = t.handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).limit(1).get();
    expect(last).toMatchObject({ action: 'lead.export', outcome: 'denied' });
  });
});

describe('a large .xlsx download', () => {
  const t = publicApp();
  const { accessLog } = schema;
  let many = 0;

  beforeAll(() => {
    const project = { id: t.f.projectB, subsidiaryId: t.f.subB };
    many = t.handle.db.transaction(
      (tx) =>
        Array.from({ length: 2 * EXPORT_CHUNK_ROWS + 50 }, (_, i) =>
          makeLead(tx, project, { createdAt: Date.UTC(2025, 0, 1) + i * 60_000 }),
        ).length,
    );
  }, 60_000);

  const entriesAfter = (id: number) =>
    t.handle.db.select().from(accessLog).where(gt(accessLog.id, id)).orderBy(accessLog.id).all();
  const lastId = () =>
    t.handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).limit(1).get()?.id ?? 0;

  it('streams every row in chunks and reads back whole', async () => {
    const before = lastId();
    const res = await t.app.request(
      leadExportPath({ sort: 'createdAt', dir: 'asc' }, ['id', 'createdAt'], 'reporting', {
        format: 'xlsx',
      }),
      { headers: { cookie: cookieFor(t.handle, t.f.users.userB) } },
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    // The header, the fixture's leads of B and the many.
    expect(workbook.worksheets[0]?.rowCount).toBe(1 + t.f.leadsB.length + many);
    // Every id logged, in parts of at most LOG_IDS_PART (issue 10), each one an 'ok' entry.
    const done = entriesAfter(before).filter((e) => e.action === 'lead.export');
    expect(done.length).toBeGreaterThan(1);
    expect(done.every((e) => e.outcome === 'ok' && (e.targetCount ?? 0) <= LOG_IDS_PART)).toBe(
      true,
    );
    expect(done.reduce((n, e) => n + (e.targetCount ?? 0), 0)).toBe(t.f.leadsB.length + many);
  }, 60_000);

  it('a download that breaks off stops reading, logs what left, and keeps the server up', async () => {
    const before = lastId();
    const res = await t.app.request(
      leadExportPath({}, ['id', 'name'], 'follow_up', { format: 'xlsx' }),
      { headers: { cookie: cookieFor(t.handle, t.f.users.userB) } },
    );
    const reader = res.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    // Give the writer a moment to notice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const entries = entriesAfter(before);
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['lead.exportStarted', 'ok'],
      ['lead.export', 'error'],
    ]);
    expect(entries[1]?.targetCount).toBeLessThan(t.f.leadsB.length + many);
    expect(JSON.parse(entries[1]?.detail ?? '{}')).toMatchObject({ reason: 'aborted' });
  });
});
