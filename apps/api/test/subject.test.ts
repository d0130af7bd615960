import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schema } from '@mg/db';
import {
  DSR_TYPES,
  SUBJECT_ACTIONS_BY_TYPE,
  type SubjectExport,
  subjectExportJsonSchema,
  subjectExportSchema,
} from '@mg/shared';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { outcome, setup } from './helpers';
import { addLead, callerFor, cookieFor, publicApp } from './public-helpers';
import { makeRequest, PERSON, SAME_NAME, SIMILAR_EMAIL, seedPerson } from './subject-helpers';

const personRequest = { subjectEmail: ' Zebulon.Quark@Example.NO ', subjectPhone: '987 12 345' };

function entriesOf(t: { handle: ReturnType<typeof setup>['handle'] }, action: string) {
  return t.handle.db
    .select()
    .from(schema.accessLog)
    .where(eq(schema.accessLog.action, action))
    .all();
}

/** The lead ids an access-log entry names (stored as JSON). */
function targetsOf(entry: { targetIds: string | null } | undefined): number[] {
  return (JSON.parse(entry?.targetIds ?? '[]') as number[]).sort((a, b) => a - b);
}

function leadRow(t: { handle: ReturnType<typeof setup>['handle'] }, id: number) {
  const row = t.handle.db.select().from(schema.leads).where(eq(schema.leads.id, id)).get();
  if (!row) throw new Error(`no lead ${id}`);
  return row;
}

describe('request types and actions', () => {
  it('names an action list for exactly the request types the table knows', () => {
    expect(Object.keys(SUBJECT_ACTIONS_BY_TYPE).sort()).toEqual([...DSR_TYPES].sort());
  });
});

describe('subject view', () => {
  it('holds every lead of the person across subsidiaries (e-mail or phone), and no look-alike', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, personRequest);
    const view = await t.as('privacy_officer').subject.view({ requestId: id });
    const ids = view.leads.map((l) => l.id);
    expect(ids).toEqual([p.atA, p.atB, p.byPhone]);
    expect(ids).not.toContain(p.sameName);
    expect(ids).not.toContain(p.similar);
    expect(new Set(view.leads.map((l) => l.subsidiaryId))).toEqual(new Set([t.f.subA, t.f.subB]));
    const atA = view.leads[0];
    expect(atA?.notes.map((n) => n.body)).toEqual([PERSON.note]);
    expect(atA?.consentHistory.map((c) => [c.purpose, c.granted, c.policyVersion])).toEqual([
      ['marketing_email', true, 'test-1'],
      ['marketing_sms', true, 'test-1'],
    ]);
    expect(atA?.disclosures.map((d) => d.subsidiaryName)).toEqual(['A Bygg AS']);
    expect(view.request.email).toBe('zebulon.quark@example.no');
    expect(view.allowedActions).toEqual(['export']);
  });

  it('logs the opening with the request as purpose and the lead ids', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, personRequest);
    await t.as('privacy_officer').subject.view({ requestId: id });
    expect(t.lastEntry()).toMatchObject({
      action: 'subject.view',
      purpose: `dsr:${id}`,
      targetType: 'lead',
      targetIds: JSON.stringify([p.atA, p.atB, p.byPhone]),
      outcome: 'ok',
    });
  });

  it('answers NOT_FOUND for a request that does not exist, and logs the denial', async () => {
    const t = setup();
    expect(await outcome(t.as('privacy_officer').subject.view({ requestId: 999 }))).toBe(
      'NOT_FOUND',
    );
    expect(t.lastEntry()).toMatchObject({ action: 'subject.view', outcome: 'denied' });
  });
});

describe('JSON export', () => {
  async function download(t: ReturnType<typeof publicApp>, id: number, userId: number) {
    return t.app.request(`/api/requests/${id}/subject.json`, {
      headers: { cookie: cookieFor(t.handle, userId), 'sec-fetch-site': 'same-origin' },
    });
  }

  it('holds every lead of the person at both subsidiaries and nothing of anyone else', async () => {
    const t = publicApp();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, personRequest);
    // Someone looked at the person's lead first: the export says when and why, not who.
    await callerFor(t, 'userA').lead.byId({ id: p.atA });
    const res = await download(t, id, t.f.users.privacy_officer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="subject-/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const file = subjectExportSchema.parse(JSON.parse(text)) as SubjectExport;
    expect(file.leads.map((l) => l.id)).toEqual([p.atA, p.atB, p.byPhone]);
    expect(new Set(file.leads.map((l) => l.subsidiary))).toEqual(
      new Set(['A Bygg AS', 'B Bolig AS']),
    );
    const atA = file.leads[0];
    expect(atA?.notes.map((n) => n.text)).toEqual([PERSON.note]);
    expect(atA?.consentHistory[0]).toMatchObject({
      purpose: 'marketing_email',
      granted: true,
      privacyPolicyVersion: 'test-1',
    });
    expect(atA?.disclosures).toEqual([
      { subsidiary: 'A Bygg AS', kind: 'intake', at: expect.any(String) },
    ]);
    // Nothing of the look-alikes: not their ids, addresses or phones.
    for (const other of [
      SAME_NAME.email,
      SAME_NAME.phone,
      SIMILAR_EMAIL.email,
      SIMILAR_EMAIL.phone,
    ])
      expect(text).not.toContain(other);
    expect(file.leads.map((l) => l.id)).not.toContain(p.sameName);
    // When and why, never who: no staff names, e-mails, user ids or roles.
    const read = file.consultations.find((c) => c.action === 'lead.byId');
    expect(read).toMatchObject({ purpose: 'follow_up', leadIds: [p.atA] });
    for (const word of ['userA', 'a@test.no', 'subsidiary_user', 'actor', '127.0.0.1', 'vitest'])
      expect(text).not.toContain(word);
  });

  it('validates against the committed JSON Schema, generated from the one zod schema', () => {
    const file = join(__dirname, '../../../docs/subject-export.schema.json');
    const committed = JSON.parse(readFileSync(file, 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(subjectExportJsonSchema())));
  });

  it('logs the download with the request as purpose, and records it on the request', async () => {
    const t = publicApp();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, personRequest);
    await (await download(t, id, t.f.users.privacy_officer)).arrayBuffer();
    const [entry] = entriesOf(t, 'subject.export');
    expect(entry).toMatchObject({
      purpose: `dsr:${id}`,
      outcome: 'ok',
      targetIds: JSON.stringify([p.atA, p.atB, p.byPhone]),
    });
    const actions = t.handle.db.select().from(schema.dsrActions).all();
    expect(actions).toMatchObject([{ dsrId: id, action: 'export', leadCount: 3 }]);
  });

  it('refuses no session, another site and a bad id, and stores nothing', async () => {
    const t = publicApp();
    seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, personRequest);
    expect((await t.app.request(`/api/requests/${id}/subject.json`)).status).toBe(401);
    const crossSite = await t.app.request(`/api/requests/${id}/subject.json`, {
      headers: {
        cookie: cookieFor(t.handle, t.f.users.privacy_officer),
        'sec-fetch-site': 'cross-site',
        origin: 'https://evil.example',
      },
    });
    expect(crossSite.status).toBe(403);
    for (const bad of ['0', '-1', 'abc', '1.5', '99999999999999999999']) {
      const res = await download(t, bad as unknown as number, t.f.users.privacy_officer);
      expect(res.status, bad).toBe(400);
      expect(await res.text()).not.toMatch(/at .*\.ts|stack/i);
    }
    expect(t.handle.db.select().from(schema.dsrActions).all()).toEqual([]);
    expect(t.handle.db.select().from(schema.dsrLeads).all()).toEqual([]);
  });

  it('refuses roles without dsr:manage, an unverified request, and an unknown one', async () => {
    const t = publicApp();
    seedPerson(t.handle, t.f);
    const unverified = makeRequest(t.handle, { ...personRequest, status: 'received' });
    expect((await download(t, unverified, t.f.users.privacy_officer)).status).toBe(409);
    expect((await download(t, 1234, t.f.users.privacy_officer)).status).toBe(404);
    const id = makeRequest(t.handle, personRequest);
    expect((await download(t, id, t.f.users.auditor)).status).toBe(403);
    expect((await download(t, id, t.f.users.userA)).status).toBe(403);
    expect(t.handle.db.select().from(schema.dsrActions).all()).toEqual([]);
    expect(entriesOf(t, 'subject.export').every((e) => e.outcome === 'denied')).toBe(true);
    expect(entriesOf(t, 'subject.export').length).toBeGreaterThan(0);
  });
});

describe('rectification', () => {
  it('moves the lead to the new address for search, consent per person and the subject view', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, { ...personRequest, type: 'rectification' });
    const newEmail = 'zebulon.riktig@example.no';
    const po = t.as('privacy_officer');
    const done = await po.subject.rectify({ requestId: id, leadIds: [p.atA], email: newEmail });
    expect(done).toEqual({ fields: ['email'], changed: 1 });
    expect(leadRow(t, p.atA).email).toBe(newEmail);

    // Search: the new address finds it, the old one does not.
    const search = async (q: string) =>
      (await t.as('admin').lead.list({ search: q, limit: 50 })).items.map((l) => l.id);
    expect(await search('zebulon.riktig')).toEqual([p.atA]);
    // The old address has left the index: its e-mail column no longer holds "quark".
    const inEmailColumn = t.handle.sqlite
      .prepare(`select rowid as id from leads_fts where leads_fts match '{email} : "quark"'`)
      .all() as { id: number }[];
    expect(inEmailColumn.map((r) => r.id)).not.toContain(p.atA);
    expect(inEmailColumn.map((r) => r.id)).toContain(p.atB);

    // A request for the new address finds the lead (and not the old one's other leads).
    const other = makeRequest(t.handle, { subjectEmail: newEmail, subjectPhone: null });
    const view = await po.subject.view({ requestId: other });
    expect(view.leads.map((l) => l.id)).toEqual([p.atA]);

    // Consent per person: a withdrawal from another lead at the new address reaches it.
    const newLead = addLead(
      t.handle,
      { id: t.f.projectB, subsidiaryId: t.f.subB },
      {
        name: 'Ny',
        email: newEmail,
        phone: '+4793333333',
        consent: ['marketing_email'],
      },
    );
    expect(leadRow(t, p.atA).consentEmail).toBe(true);
    await t.as('admin').consent.withdraw({ leadId: newLead, purpose: 'marketing_email' });
    expect(leadRow(t, p.atA).consentEmail).toBe(false);
    // ...while the old address's other lead is not the same person any more.
    expect(leadRow(t, p.atB).email).toBe('zebulon.quark@example.no');
  });

  it('logs and records the names of the fields changed, never the values', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, { ...personRequest, type: 'rectification' });
    await t.as('privacy_officer').subject.rectify({
      requestId: id,
      leadIds: [p.atA, p.atB],
      name: 'Zebulon Kvarkfelt',
      phone: '+47 987 12 399',
      message: PERSON.message,
    });
    const entry = t.lastEntry();
    expect(entry?.action).toBe('subject.rectify');
    expect(entry?.purpose).toBe(`dsr:${id}`);
    expect(targetsOf(entry)).toEqual([p.atA, p.atB].sort((a, b) => a - b));
    // The message was already that on atA and empty on atB: it changed on one lead.
    expect(JSON.parse(entry?.detail ?? '{}').fields).toEqual(['name', 'phone', 'message']);
    const stored = JSON.stringify([entry, t.handle.db.select().from(schema.dsrActions).all()]);
    for (const value of ['Kvarkfelt', '98712399', 'Xylofonvegg', PERSON.name])
      expect(stored).not.toContain(value);
    expect(leadRow(t, p.atB).phone).toBe('+4798712399');
  });

  it('refuses bad input with the intake validators, and changes nothing', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, { ...personRequest, type: 'rectification' });
    const po = t.as('privacy_officer');
    for (const bad of [
      { email: 'ikke-en-adresse' },
      { phone: '123' },
      { name: '   ' },
      { name: 'a\u0000b' },
      {},
    ]) {
      const call = po.subject.rectify({ requestId: id, leadIds: [p.atA], ...bad });
      expect(await outcome(call), JSON.stringify(bad)).toBe('BAD_REQUEST');
    }
    // Someone else's lead is not the person's: NOT_FOUND, nothing written.
    expect(
      await outcome(
        po.subject.rectify({ requestId: id, leadIds: [p.atA, p.similar], name: 'X Y' }),
      ),
    ).toBe('NOT_FOUND');
    expect(leadRow(t, p.atA).name).toBe(PERSON.name);
    expect(t.handle.db.select().from(schema.dsrActions).all()).toEqual([]);
  });

  it('is only for a verified, open rectification request', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const po = t.as('privacy_officer');
    const access = makeRequest(t.handle, personRequest);
    const received = makeRequest(t.handle, {
      ...personRequest,
      type: 'rectification',
      status: 'received',
    });
    const closed = makeRequest(t.handle, {
      ...personRequest,
      type: 'rectification',
      status: 'completed',
    });
    const input = { leadIds: [p.atA], name: 'Nytt Navn' };
    for (const requestId of [access, received, closed]) {
      const error = await po.subject.rectify({ requestId, ...input }).catch((e) => e);
      expect(error?.code).toBe('CONFLICT');
    }
    expect(leadRow(t, p.atA).name).toBe(PERSON.name);
  });
});

describe('erasure', () => {
  it('anonymises every lead of the person except the one on legal hold, and records why', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const po = t.as('privacy_officer');
    await po.lead.setLegalHold({ id: p.atB, on: true, reason: 'Reklamasjonssak 2026-14' });
    const id = makeRequest(t.handle, { ...personRequest, type: 'erasure' });
    const result = await po.subject.erase({ requestId: id });
    expect(result.anonymised.sort()).toEqual([p.atA, p.byPhone].sort());
    expect(result.kept).toEqual([
      { leadId: p.atB, reason: 'legalHold', holdReason: 'Reklamasjonssak 2026-14' },
    ]);
    expect(leadRow(t, p.atA)).toMatchObject({ name: null, email: null, phone: null });
    expect(leadRow(t, p.atB)).toMatchObject({ name: PERSON.name, anonymisedAt: null });
    expect(leadRow(t, p.sameName).name).toBe(PERSON.name);
    expect(leadRow(t, p.similar).email).toBe(SIMILAR_EMAIL.email);

    const [action] = t.handle.db
      .select()
      .from(schema.dsrActions)
      .where(and(eq(schema.dsrActions.dsrId, id), eq(schema.dsrActions.action, 'erase')))
      .all();
    expect(JSON.parse(action?.kept ?? '[]')).toEqual(result.kept);
    expect(t.lastEntry()).toMatchObject({ action: 'subject.erase', purpose: `dsr:${id}` });

    // The anonymised leads stay in the request's view (linked), shown as anonymised.
    const view = await po.subject.view({ requestId: id });
    expect(view.leads.map((l) => [l.id, l.anonymisedAt !== null])).toEqual([
      [p.atA, true],
      [p.atB, false],
      [p.byPhone, true],
    ]);
    expect(view.actions.map((a) => a.action)).toEqual(['erase']);
  });
});

describe('restriction, objection, consent withdrawal', () => {
  it('restricts every open lead of the person', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, { ...personRequest, type: 'restriction' });
    const r = await t.as('privacy_officer').subject.restrict({ requestId: id, reason: 'Art. 18' });
    expect(r.restricted).toEqual([p.atA, p.atB, p.byPhone]);
    expect(leadRow(t, p.sameName).restricted).toBe(false);
    expect(t.lastEntry()).toMatchObject({ action: 'subject.restrict', purpose: `dsr:${id}` });
    expect(targetsOf(t.lastEntry())).toEqual([p.atA, p.atB, p.byPhone].sort((a, b) => a - b));
  });

  it('records an objection to marketing on every lead and withdraws consent person-wide', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, { ...personRequest, type: 'objection' });
    const r = await t
      .as('privacy_officer')
      .subject.object({ requestId: id, kind: 'marketing', reason: 'Vil ikke ha reklame' });
    expect(r.objections).toBe(3);
    expect(r.withdrawn.sort()).toEqual(['marketing_email', 'marketing_sms']);
    expect(leadRow(t, p.atA)).toMatchObject({ consentEmail: false, consentSms: false });
    const entry = t.lastEntry();
    expect(entry).toMatchObject({ action: 'subject.object', purpose: `dsr:${id}` });
    expect(targetsOf(entry)).toEqual(expect.arrayContaining([p.atA, p.atB, p.byPhone]));
    expect(targetsOf(entry)).not.toContain(p.sameName);
  });

  it('withdraws every marketing consent with source dsr', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, { ...personRequest, type: 'consent_withdrawal' });
    await t.as('privacy_officer').subject.withdrawConsent({ requestId: id });
    expect(leadRow(t, p.atA)).toMatchObject({ consentEmail: false, consentSms: false });
    const events = t.handle.db
      .select()
      .from(schema.consentEvents)
      .where(and(eq(schema.consentEvents.leadId, p.atA), eq(schema.consentEvents.granted, false)))
      .all();
    expect(events.map((e) => e.source)).toEqual(['dsr', 'dsr']);
    const entry = t.lastEntry();
    expect(entry).toMatchObject({ action: 'subject.withdrawConsent', purpose: `dsr:${id}` });
    expect(targetsOf(entry)).toEqual(expect.arrayContaining([p.atA, p.atB, p.byPhone]));
    expect(targetsOf(entry)).not.toContain(p.sameName);
  });
});

describe('who has seen this person', () => {
  it('lists the entries about any of the person’s leads, with staff names, a page at a time', async () => {
    const t = setup();
    const p = seedPerson(t.handle, t.f);
    const id = makeRequest(t.handle, personRequest);
    await t.as('userA').lead.byId({ id: p.atA });
    await t.as('userB').lead.byId({ id: p.atB });
    await t.as('userA').lead.byId({ id: t.f.leadsA[1] ?? 0 });
    const po = t.as('privacy_officer');
    const first = await po.subject.seenBy({ requestId: id, limit: 1 });
    expect(first.items).toHaveLength(1);
    const userB = t.handle.db
      .select({ name: schema.users.name })
      .from(schema.users)
      .where(eq(schema.users.id, t.f.users.userB))
      .get();
    // userB's read of atB also showed the same person's other lead there (byPhone).
    expect(first.items[0]).toMatchObject({
      actorName: userB?.name,
      actorRole: 'subsidiary_user',
      leadIds: [p.atB, p.byPhone],
    });
    expect(first.nextCursor).not.toBeNull();
    const rest = await po.subject.seenBy({ requestId: id, cursor: first.nextCursor ?? 0 });
    // Only the person's leads: the look at someone else's lead is not there.
    expect(rest.items.map((e) => [e.action, e.leadIds])).toContainEqual(['lead.byId', [p.atA]]);
    expect(rest.items.every((e) => e.leadIds.length > 0)).toBe(true);
    expect(rest.items.length).toBeGreaterThan(0);
    expect(t.lastEntry()).toMatchObject({ action: 'subject.seenBy', purpose: `dsr:${id}` });
  });

  it('is not for the auditor or subsidiary users', async () => {
    const t = setup();
    const id = makeRequest(t.handle);
    expect(await outcome(t.as('auditor').subject.seenBy({ requestId: id }))).toBe('FORBIDDEN');
    expect(await outcome(t.as('userA').subject.seenBy({ requestId: id }))).toBe('FORBIDDEN');
  });
});

describe('record of processing', () => {
  it('shows the live retention setting', async () => {
    const t = setup();
    await t.as('privacy_officer').retention.setMonths({ months: 24 });
    const record = await t.as('auditor').processing.record();
    expect(record.retentionMonths).toBe(24);
    expect(record.purposes.length).toBeGreaterThan(0);
  });
});
