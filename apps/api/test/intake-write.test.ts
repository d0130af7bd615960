import { createHash } from 'node:crypto';
import {
  legacySuppressionsRemain,
  recordSuppression,
  schema,
  suppressionHmac,
  verifyAccessLog,
} from '@mg/db';
import { osloDate, osloDayStart } from '@mg/shared';
import { asc, desc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  createIntakeQueue,
  INTAKE_GATHER_MS,
  INTAKE_MAX_BATCH,
  osloDays,
  submitIntake,
} from '../src/lib/intake';
import { publicApp, validLead } from './public-helpers';

/**
 * The intake write path as the group-commit queue runs it (decision 004): the consent the
 * lead row is inserted with, the form's events and the dashboard's day counts must agree
 * from the first commit; the Oslo day is remembered between forms but never past midnight.
 */

const meta = { requestId: 'test', ip: null, userAgent: null };

describe('consent written with the lead', () => {
  it('the lead row, its form events and the day counts say the same, for every combination', async () => {
    const t = publicApp();
    const { db } = t.handle;
    // This person opted out of e-mail before: a ticked e-mail box is recorded as not granted.
    recordSuppression(db, { email: 'nei@example.no', purpose: 'marketing_email', at: 1 });
    const queue = createIntakeQueue(db);
    const forms = [
      { email: 'a@example.no', marketingEmail: false, marketingSms: false },
      { email: 'b@example.no', marketingEmail: true, marketingSms: false },
      { email: 'c@example.no', marketingEmail: false, marketingSms: true },
      { email: 'd@example.no', marketingEmail: true, marketingSms: true },
      { email: 'nei@example.no', marketingEmail: true, marketingSms: true },
    ];
    // One batch: the forms arrive in the same turn of the event loop.
    const outcomes = await Promise.all(
      forms.map((form, i) =>
        queue.submit({
          slug: 'alfa-park',
          body: validLead({ ...form, phone: `+479000000${i}` }),
          source: 'website_form',
          baseUrl: 'https://leads.example.no',
          meta,
        }),
      ),
    );
    const expected = [
      { consentEmail: false, consentSms: false },
      { consentEmail: true, consentSms: false },
      { consentEmail: false, consentSms: true },
      { consentEmail: true, consentSms: true },
      { consentEmail: false, consentSms: true },
    ];
    expect(outcomes.length).toBe(forms.length);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.kind !== 'created') throw new Error(`form ${i}: ${outcome.kind}`);
      const lead = db
        .select({ consentEmail: schema.leads.consentEmail, consentSms: schema.leads.consentSms })
        .from(schema.leads)
        .where(eq(schema.leads.id, outcome.leadId))
        .get();
      expect(lead, `form ${i}`).toEqual(expected[i]);
      // The events: one per ticked box, granted as the column says.
      const events = db
        .select({ purpose: schema.consentEvents.purpose, granted: schema.consentEvents.granted })
        .from(schema.consentEvents)
        .where(eq(schema.consentEvents.leadId, outcome.leadId))
        .orderBy(asc(schema.consentEvents.id))
        .all();
      const ticked = [
        ...(forms[i]?.marketingEmail
          ? [{ purpose: 'marketing_email', granted: expected[i]?.consentEmail }]
          : []),
        ...(forms[i]?.marketingSms
          ? [{ purpose: 'marketing_sms', granted: expected[i]?.consentSms }]
          : []),
      ];
      expect(events, `form ${i}`).toEqual(ticked);
    }

    // The dashboard's counts (kept by triggers on insert) hold the same consent sums as the
    // leads table itself.
    const fromLeads = db.get<{ n: number; email: number; sms: number }>(
      sql`select count(*) as n, sum(consent_email) as email, sum(consent_sms) as sms from leads`,
    );
    const fromCounts = db.get<{ n: number; email: number; sms: number }>(
      sql`select sum(n) as n, sum(consent_email) as email, sum(consent_sms) as sms from lead_day_counts`,
    );
    expect(fromCounts).toEqual(fromLeads);
    expect(fromLeads.email).toBeGreaterThanOrEqual(2);
  });
});

describe('the group-commit batch', () => {
  const form = (slug: string, over: Record<string, unknown>) => ({
    slug,
    body: validLead(over),
    source: 'website_form' as const,
    baseUrl: 'https://leads.example.no',
    meta,
  });

  it('a form that fails after its lead was written rolls back alone; the others commit', async () => {
    const t = publicApp();
    const { db, sqlite } = t.handle;
    // The consumer's receipt is the form's last row before its log entry: failing there
    // leaves the lead, its disclosure, consent event and notification to be undone.
    sqlite.exec(`create temp trigger intake_fails_once before insert on outbox
      when new.to_address = 'feil@example.no' begin select raise(abort, 'refused'); end`);
    const before = t.counts();
    const queue = createIntakeQueue(db);
    const results = await Promise.allSettled([
      queue.submit(form('alfa-park', { email: 'en@example.no', marketingEmail: true })),
      queue.submit(form('alfa-park', { email: 'feil@example.no', marketingEmail: true })),
      queue.submit(form('alfa-park', { email: 'to@example.no', marketingEmail: true })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const after = t.counts();
    // Two forms' rows: a lead, a disclosure, a consent event, two mails, one log entry each.
    expect(after).toEqual({
      ...before,
      leads: before.leads + 2,
      disclosures: before.disclosures + 2,
      consent: before.consent + 2,
      outbox: before.outbox + 4,
      log: before.log + 2,
    });
    expect(
      db.all<{ email: string }>(
        sql`select email from leads where email like '%@example.no' and email in ('en@example.no', 'feil@example.no', 'to@example.no') order by id`,
      ),
    ).toEqual([{ email: 'en@example.no' }, { email: 'to@example.no' }]);
    // The batch's full-text rows: the two stored leads, not the rolled-back one.
    expect(
      db.get<{ n: number }>(
        sql`select count(*) as n from leads_fts where leads_fts match '"feil@example.no" OR "en@example.no" OR "to@example.no"'`,
      ).n,
    ).toBe(2);
    // The dashboard counts follow only what was stored.
    const fromLeads = db.get<{ n: number }>(sql`select count(*) as n from leads`);
    const fromCounts = db.get<{ n: number }>(sql`select sum(n) as n from lead_day_counts`);
    expect(fromCounts).toEqual(fromLeads);
  });

  it('forms to different projects in one batch each land in their own project', async () => {
    const t = publicApp();
    const { db } = t.handle;
    const queue = createIntakeQueue(db);
    const outcomes = await Promise.all([
      queue.submit(form('alfa-park', { email: 'a1@example.no' })),
      queue.submit(form('beta-brygge', { email: 'b1@example.no' })),
      queue.submit(form('finnes-ikke', { email: 'x1@example.no' })),
      queue.submit(form('alfa-park', { email: 'a2@example.no' })),
      queue.submit(form('beta-brygge', { email: 'b2@example.no' })),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual([
      'created',
      'created',
      'unknownProject',
      'created',
      'created',
    ]);
    const rows = db.all<{ email: string; slug: string; sameSubsidiary: number }>(
      sql`select l.email, p.slug, l.subsidiary_id = p.subsidiary_id as sameSubsidiary
          from leads l join projects p on p.id = l.project_id
          where l.email in ('a1@example.no', 'a2@example.no', 'b1@example.no', 'b2@example.no')
          order by l.email`,
    );
    expect(rows).toEqual([
      { email: 'a1@example.no', slug: 'alfa-park', sameSubsidiary: 1 },
      { email: 'a2@example.no', slug: 'alfa-park', sameSubsidiary: 1 },
      { email: 'b1@example.no', slug: 'beta-brygge', sameSubsidiary: 1 },
      { email: 'b2@example.no', slug: 'beta-brygge', sameSubsidiary: 1 },
    ]);
  });
});

describe('the gathering window', () => {
  const form = (email: string) => ({
    slug: 'alfa-park',
    body: validLead({ email }),
    source: 'website_form' as const,
    baseUrl: 'https://leads.example.no',
    meta,
  });
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('forms posted over several turns of the event loop share one batch', async () => {
    const t = publicApp();
    const sizes: number[] = [];
    // A generous window: the test asserts what falls inside it, not how long it is.
    const queue = createIntakeQueue(t.handle.db, {
      gatherMs: 200,
      onBatch: (n) => sizes.push(n),
    });
    const first = queue.submit(form('w1@example.no'));
    await nextTurn();
    await nextTurn();
    const rest = [queue.submit(form('w2@example.no')), queue.submit(form('w3@example.no'))];
    await nextTurn();
    const last = queue.submit(form('w4@example.no'));
    const outcomes = await Promise.all([first, ...rest, last]);
    expect(outcomes.map((o) => o.kind)).toEqual(['created', 'created', 'created', 'created']);
    expect(sizes).toEqual([4]);
  });

  it('the server default gathers (a window, not one batch per turn) and bounds the batch', () => {
    // Timing-free: the window's effect is asserted above with an explicit length.
    expect(INTAKE_GATHER_MS).toBeGreaterThan(0);
    expect(INTAKE_MAX_BATCH).toBeGreaterThan(1);
  });

  it('a full batch goes at the next turn without waiting, and none is larger than maxBatch', async () => {
    const t = publicApp();
    const sizes: number[] = [];
    // A window far longer than the test's timeout: only the size may start these batches.
    const queue = createIntakeQueue(t.handle.db, {
      gatherMs: 60_000,
      maxBatch: 3,
      onBatch: (n) => sizes.push(n),
    });
    const forms = Array.from({ length: 6 }, (_, i) => queue.submit(form(`m${i}@example.no`)));
    const outcomes = await Promise.all(forms);
    expect(outcomes.every((o) => o.kind === 'created')).toBe(true);
    expect(outcomes.length).toBe(6);
    expect(sizes).toEqual([3, 3]);
    expect(
      t.handle.db.get<{ n: number }>(
        sql`select count(*) as n from leads where email like 'm_@example.no'`,
      ).n,
    ).toBe(6);
  });

  it('with no window a form goes at the next turn, as before', async () => {
    const t = publicApp();
    const sizes: number[] = [];
    const queue = createIntakeQueue(t.handle.db, { gatherMs: 0, onBatch: (n) => sizes.push(n) });
    const first = queue.submit(form('z1@example.no'));
    const second = queue.submit(form('z2@example.no'));
    await nextTurn();
    await Promise.all([first, second, queue.submit(form('z3@example.no'))]);
    expect(sizes).toEqual([2, 1]);
  });
});

describe('legacy opt-outs in a batch', () => {
  it('are asked per batch: one stored between two batches still suppresses, and is re-keyed', async () => {
    const t = publicApp();
    const { db } = t.handle;
    const queue = createIntakeQueue(db);
    const submit = (email: string) =>
      queue.submit({
        slug: 'alfa-park',
        body: validLead({ email, marketingEmail: true }),
        source: 'website_form',
        baseUrl: 'https://leads.example.no',
        meta,
      });
    // A first batch with none left: the batch skips the legacy key of its forms.
    expect(legacySuppressionsRemain(db)).toBe(false);
    const first = await submit('gammel@example.no');
    expect(first.kind === 'created' && first.consent.marketing_email).toBe(true);
    // An old opt-out imported afterwards (plain SHA-256 of the e-mail)…
    const plain = createHash('sha256').update('gammel@example.no').digest('hex');
    db.insert(schema.suppressions)
      .values({ emailHash: plain, purpose: 'marketing_email', at: 1, kind: 'sha256' })
      .run();
    expect(legacySuppressionsRemain(db)).toBe(true);
    // …holds for the next batch: the ticked box waits for confirmation, and the entry
    // becomes the HMAC entry of the address the new lead holds.
    const [again, other] = await Promise.all([
      submit('Gammel@Example.no'),
      submit('ny@example.no'),
    ]);
    expect(again?.kind === 'created' && again.consent.marketing_email).toBe(false);
    expect(other?.kind === 'created' && other.consent.marketing_email).toBe(true);
    const rows = db
      .select({ kind: schema.suppressions.kind, purpose: schema.suppressions.purpose })
      .from(schema.suppressions)
      .all();
    expect(rows).toEqual([{ kind: 'hmac', purpose: 'marketing_email' }]);
    expect(legacySuppressionsRemain(db)).toBe(false);
  });
});

describe('osloDays', () => {
  it('remembers the day, and turns over exactly at Oslo midnight (winter and summer time)', () => {
    for (const day of ['2026-01-15', '2026-03-29', '2026-07-01', '2026-10-25']) {
      const days = osloDays();
      const midnight = osloDayStart(day);
      // Warm it on the day before, then step over midnight.
      expect(days.dateOf(midnight - 3_600_000)).toBe(osloDate(midnight - 3_600_000));
      expect(days.dateOf(midnight - 1)).toBe(osloDate(midnight - 1));
      expect(days.dateOf(midnight)).toBe(day);
      expect(days.dateOf(midnight + 1)).toBe(day);
      // And back: an earlier instant is not the remembered day.
      expect(days.dateOf(midnight - 1)).not.toBe(day);
    }
  });
});

describe('the rows one form writes', () => {
  it('hold exactly these values in every column (the plain insert statements)', async () => {
    const t = publicApp();
    const { db } = t.handle;
    const at = Date.UTC(2026, 11, 2, 9, 30);
    // Outside a batch: its own transaction, and a fixed clock for every row.
    const stored = submitIntake(
      db,
      {
        slug: 'alfa-park',
        body: validLead({ marketingEmail: true, marketingSms: false }),
        idempotencyKey: 'nøkkel-1',
        source: 'website_form',
        baseUrl: 'https://leads.example.no',
        meta: { requestId: 'req-1', ip: '10.0.0.1', userAgent: 'test-agent' },
      },
      at,
    );
    if (stored.kind !== 'created') throw new Error(stored.kind);
    const id = stored.leadId;
    const project = t.f.projectA;
    const subsidiary = t.f.subA;

    const lead = db.select().from(schema.leads).where(eq(schema.leads.id, id)).get();
    expect(lead).toEqual({
      id,
      projectId: project,
      subsidiaryId: subsidiary,
      name: 'Kari Nordmann',
      email: 'kari.nordmann@example.no',
      phone: '+4791234567',
      message: 'Hei! Jeg vil gjerne ha prislisten.',
      source: 'website_form',
      policyVersionId: t.f.policyId,
      status: 'new',
      assigneeUserId: null,
      restricted: false,
      legalHold: false,
      legalHoldReason: null,
      legalHoldByUserId: null,
      legalHoldAt: null,
      restrictedReason: null,
      restrictedByUserId: null,
      restrictedAt: null,
      consentEmail: true,
      consentSms: false,
      unsubscribeTokenHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      idempotencyKey: `${project}:nøkkel-1`,
      createdAt: at,
      statusChangedAt: at,
      lastActivityAt: at,
      anonymisedAt: null,
      updatedAt: at,
      nameSort: 'kari nordmann',
      statusRank: 0,
      emailSort: 'kari.nordmann@example.no',
      emailHmac: suppressionHmac(db, { email: 'kari.nordmann@example.no' }),
      phoneHmac: suppressionHmac(db, { phone: '+4791234567' }),
    });
    expect(lead?.emailHmac).not.toEqual(lead?.phoneHmac);

    expect(
      db
        .select()
        .from(schema.disclosures)
        .where(eq(schema.disclosures.leadId, id))
        .all()
        .map(({ id: _, ...row }) => row),
    ).toEqual([{ leadId: id, subsidiaryId: subsidiary, kind: 'intake', actorUserId: null, at }]);

    expect(
      db
        .select()
        .from(schema.consentEvents)
        .where(eq(schema.consentEvents.leadId, id))
        .orderBy(asc(schema.consentEvents.id))
        .all()
        .map(({ id: _, ...row }) => row),
    ).toEqual([
      {
        leadId: id,
        purpose: 'marketing_email',
        granted: true,
        source: 'form',
        policyVersionId: t.f.policyId,
        actorUserId: null,
        at,
      },
    ]);

    const mails = db
      .select()
      .from(schema.outbox)
      .where(eq(schema.outbox.leadId, id))
      .orderBy(asc(schema.outbox.id))
      .all()
      .map(({ id: _, body, headers, ...row }) => ({
        ...row,
        body: body.includes('Alfa Park'),
        headers: headers === null ? null : Object.keys(JSON.parse(headers) as object).sort(),
      }));
    const common = {
      leadId: id,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      lastError: null,
      createdAt: at,
      sentAt: null,
      body: true,
    };
    expect(mails).toEqual([
      {
        ...common,
        kind: 'lead_notification',
        subject: 'Ny interessent: Alfa Park',
        subsidiaryId: subsidiary,
        toAddress: expect.stringContaining('@'),
        headers: null,
      },
      {
        ...common,
        kind: 'consent_receipt',
        subject: 'Takk for interessen for Alfa Park',
        subsidiaryId: null,
        toAddress: 'kari.nordmann@example.no',
        headers: ['List-Unsubscribe', 'List-Unsubscribe-Post'],
      },
    ]);

    const entry = db
      .select()
      .from(schema.accessLog)
      .orderBy(desc(schema.accessLog.id))
      .limit(1)
      .get();
    expect(entry).toEqual({
      id: expect.any(Number),
      at,
      actorUserId: null,
      actorRole: null,
      action: 'intake.create',
      purpose: 'intake',
      targetType: 'lead',
      targetIds: JSON.stringify([id]),
      targetCount: 1,
      outcome: 'ok',
      requestId: 'req-1',
      // A public entry: no IP, no user agent (DOMAIN).
      ip: null,
      userAgent: null,
      detail: JSON.stringify({ projectId: project, source: 'website_form' }),
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      // Chain version 2 (decision 035): the target row before this entry's own.
      targetsAfter: expect.any(Number),
    });
    // Its one target as a row of its own, an integer like those json_each writes for lists.
    expect(
      db.all(
        sql`select target_type as type, target_id as id, typeof(target_id) as t
            from access_log_targets where entry_id = ${entry?.id ?? 0}`,
      ),
    ).toEqual([{ type: 'lead', id, t: 'integer' }]);
    // The hash covers what was stored, in its order: the chain (and its targets) verify.
    expect(verifyAccessLog(db).ok).toBe(true);
  });
});
