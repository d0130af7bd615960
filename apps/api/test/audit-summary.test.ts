import { schema } from '@mg/db';
import { desc, gt } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-parse';
import { outcome } from './helpers';
import { callerFor, cookieFor, publicApp } from './public-helpers';

const { accessLog } = schema;

/** userA reads their lead twice; userB (other subsidiary) tries it and is refused. */
async function seenAndRefused() {
  const t = publicApp();
  const lead = t.f.leadsA[0] ?? 0;
  await callerFor(t, 'userA').lead.byId({ id: lead });
  await callerFor(t, 'userA').lead.byId({ id: lead });
  expect(await outcome(callerFor(t, 'userB').lead.byId({ id: lead }))).toBe('NOT_FOUND');
  return { ...t, lead };
}

describe('audit.summary', () => {
  it('answers "who has seen lead N": per person and purpose, denials apart', async () => {
    const t = await seenAndRefused();
    const summary = await callerFor(t, 'auditor').audit.summary({
      targetId: t.lead,
      targetType: 'lead',
    });
    expect(summary?.by).toBe('target');
    const byUser = (id: number, outcome: string) =>
      summary?.groups.find((g) => g.actorUserId === id && g.outcome === outcome);
    expect(byUser(t.f.users.userA, 'ok')).toMatchObject({
      actorName: expect.any(String),
      actorRole: 'subsidiary_user',
      purpose: 'follow_up',
      actions: ['lead.byId'],
      count: 2,
    });
    expect(byUser(t.f.users.userB, 'denied')).toMatchObject({ count: 1, actions: ['lead.byId'] });
    expect(byUser(t.f.users.userB, 'ok')).toBeUndefined();
    // Reading the summary is itself logged, with the filter's keys.
    const last = t.handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).limit(1).get();
    expect(last).toMatchObject({ action: 'audit.summary', outcome: 'ok', purpose: 'audit' });
    expect(JSON.parse(last?.detail ?? '{}')).toMatchObject({
      filters: ['targetType', 'targetId'],
      by: 'target',
    });
  });

  it('is for the roles that read the log: never a subsidiary user', async () => {
    const t = await seenAndRefused();
    const input = { targetId: t.lead, targetType: 'lead' as const };
    for (const who of ['auditor', 'privacy_officer', 'admin'] as const)
      expect(await outcome(callerFor(t, who).audit.summary(input)), who).toBe('OK');
    for (const who of ['userA', 'userB'] as const) {
      expect(await outcome(callerFor(t, who).audit.summary(input)), who).toBe('FORBIDDEN');
      const last = t.handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).get();
      expect(last).toMatchObject({ action: 'audit.summary', outcome: 'denied' });
    }
  });

  it('for one user: what they did, per action', async () => {
    const t = await seenAndRefused();
    const summary = await callerFor(t, 'auditor').audit.summary({
      actorUserId: t.f.users.userB,
    });
    expect(summary?.by).toBe('actor');
    expect(summary?.groups).toEqual([
      expect.objectContaining({ action: 'lead.byId', outcome: 'denied', count: 1 }),
    ]);
    expect(await callerFor(t, 'auditor').audit.summary({})).toBeNull();
  });
});

describe('access-log download', () => {
  const path = (filter: object, lang?: string) =>
    `/api/exports/audit.csv?filter=${encodeURIComponent(JSON.stringify(filter))}${lang ? `&lang=${lang}` : ''}`;

  it('is the filtered log, newest first, for Norwegian Excel, and logs itself with the filter', async () => {
    const t = await seenAndRefused();
    const cookie = cookieFor(t.handle, t.f.users.auditor);
    const filter = { targetType: 'lead' as const, targetId: t.lead };
    const listed = await callerFor(t, 'auditor').audit.list({ ...filter, limit: 200 });
    const before = t.handle.db.select().from(accessLog).orderBy(desc(accessLog.id)).get()?.id ?? 0;

    const res = await t.app.request(path(filter), { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/filename="tilgangslogg-[\d-]+\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes), ';');
    expect(header).toEqual([
      'Oppføring',
      'Tidspunkt',
      'Bruker',
      'Rolle',
      'Handling',
      'Formål',
      'Type',
      'Id-er',
      'Antall',
      'Utfall',
      'Forespørsels-id',
      'IP-adresse',
      'Nettleser',
      'Tilleggsinformasjon',
    ]);
    expect(rows.map((r) => Number(r[0]))).toEqual(listed.items.map((e) => e.id));
    expect(rows.every((r) => r.length === header?.length)).toBe(rows.length > 0);
    const denied = rows.find((r) => r[9] === 'Avvist');
    expect(denied?.slice(3, 8)).toEqual([
      'Datterselskapsbruker',
      'lead.byId',
      'Oppfølging',
      'lead',
      String(t.lead),
    ]);
    expect(denied?.[1]).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);

    const after = t.handle.db
      .select()
      .from(accessLog)
      .where(gt(accessLog.id, before))
      .orderBy(accessLog.id)
      .all();
    expect(after.map((e) => [e.action, e.outcome, e.actorUserId])).toEqual([
      ['audit.export', 'ok', t.f.users.auditor],
    ]);
    expect(after[0]?.purpose).toBe('audit');
    expect(JSON.parse(after[0]?.detail ?? '{}')).toMatchObject({ filter });
    // The file holds the log as it was when asked: not its own entry.
    expect(rows.map((r) => Number(r[0]))).not.toContain(after[0]?.id);
  });

  it('speaks English when asked', async () => {
    const t = await seenAndRefused();
    const res = await t.app.request(path({ outcome: 'denied', targetId: t.lead }, 'en'), {
      headers: { cookie: cookieFor(t.handle, t.f.users.privacy_officer) },
    });
    const [header, ...rows] = parseCsv(await res.text(), ';');
    expect(header?.slice(0, 3)).toEqual(['Entry', 'Time', 'User']);
    expect(rows.map((r) => r[9])).toEqual(['Denied']);
  });

  it('holds the log as it was when asked: never its own entry', async () => {
    const t = publicApp();
    const cookie = cookieFor(t.handle, t.f.users.auditor);
    const mine = path({ actorUserId: t.f.users.auditor });
    const first = parseCsv(await (await t.app.request(mine, { headers: { cookie } })).text(), ';');
    expect(first).toHaveLength(1); // the header: the auditor had done nothing before
    const second = parseCsv(await (await t.app.request(mine, { headers: { cookie } })).text(), ';');
    // Now the first download's entry is in the log, and in the file.
    expect(second.slice(1).map((r) => r[4])).toEqual(['audit.export']);
  });

  it('refuses bad filters with a field error and writes nothing', async () => {
    const t = publicApp();
    const cookie = cookieFor(t.handle, t.f.users.auditor);
    for (const bad of [
      '/api/exports/audit.csv?filter=%7Bnope',
      path({ cursor: 5 }),
      path({ from: '9999-12-31T00:00:00Z' }),
      path({ outcome: 'maybe' }),
      path({ targetId: -1 }),
    ]) {
      const before = t.counts().log;
      const res = await t.app.request(bad, { headers: { cookie } });
      expect(res.status, bad).toBe(400);
      expect(
        ((await res.json()) as { error: { fieldErrors: unknown } }).error.fieldErrors,
      ).toBeDefined();
      expect(t.counts().log, bad).toBe(before);
    }
  });
});
