import { schema, setDsrStatus } from '@mg/db';
import {
  canTransition,
  DSR_STATUSES,
  DSR_TRANSITIONS,
  type DsrStatus,
  toFieldErrors,
} from '@mg/shared';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { DomainError } from '../src/lib/errors';
import { setup } from './helpers';

/** Data subject request register: dates, transitions, extension, links, mails, logging. */

type T = ReturnType<typeof setup>;

// A fixed clock: 10:00 on 15 March 2026 in Oslo.
const NOW = Date.parse('2026-03-15T10:00:00+01:00');
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

/** What a refused call carries: the tRPC code, the domain code, the field errors. */
async function refusal(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; cause?: unknown };
    const cause = e.cause;
    return {
      code: e.code,
      domainCode: cause instanceof DomainError ? cause.domainCode : undefined,
      fieldErrors:
        cause instanceof ZodError
          ? toFieldErrors(cause.issues)
          : cause instanceof DomainError
            ? cause.fieldErrors
            : undefined,
    };
  }
  throw new Error('the call succeeded');
}

const po = (t: T) => t.as('privacy_officer');

async function register(t: T, over: Record<string, unknown> = {}) {
  return po(t).dsr.create({
    type: 'access',
    email: 'Ase@Example.no',
    channel: 'email',
    receivedDate: '2026-03-10',
    ...over,
  });
}

/** Move a request to a status through the allowed path, directly in the database. */
function driveTo(t: T, id: number, target: DsrStatus) {
  const path: Record<DsrStatus, DsrStatus[]> = {
    received: [],
    identity_verified: ['identity_verified'],
    in_progress: ['identity_verified', 'in_progress'],
    completed: ['identity_verified', 'in_progress', 'completed'],
    rejected: ['rejected'],
  };
  let from: DsrStatus = 'received';
  for (const to of path[target]) {
    const moved = t.handle.db.transaction((tx) =>
      setDsrStatus(tx, { id, from, to, note: 'forberedt', byUserId: null, at: Date.now() }),
    );
    if (!moved) throw new Error(`could not move ${id} from ${from} to ${to}`);
    from = to;
  }
}

const rowsOf = (
  t: T,
  table: typeof schema.dsrEvents | typeof schema.outbox | typeof schema.dsrRequests,
) => t.handle.db.select({ n: count() }).from(table).get()?.n ?? 0;
const outbox = (t: T) => t.handle.db.select().from(schema.outbox).all();
const requestRow = (t: T, id: number) =>
  t.handle.db.select().from(schema.dsrRequests).where(eq(schema.dsrRequests.id, id)).get();

describe('registering a request', () => {
  it('stores it normalised with the due date one month on and a first timeline entry', async () => {
    const t = setup();
    const { id } = await register(t, { phone: '912 34 567', receivedDate: '2026-01-31' });
    const got = await po(t).dsr.byId({ id });
    expect(got).toMatchObject({
      subjectEmail: 'ase@example.no',
      subjectPhone: '+4791234567',
      status: 'received',
      receivedDate: '2026-01-31',
      dueDate: '2026-02-28',
      urgency: 'overdue',
      next: ['identity_verified', 'rejected'],
    });
    expect(got.events).toEqual([
      expect.objectContaining({
        kind: 'created',
        toStatus: 'received',
        byUserId: t.f.users.privacy_officer,
      }),
    ]);
    const entry = t.entries().find((e) => e.action === 'dsr.create');
    expect(entry).toMatchObject({ purpose: `dsr:${id}`, targetType: 'dsr', outcome: 'ok' });
  });

  it('refuses a received date in the future or over a year back, and stores nothing', async () => {
    const t = setup();
    for (const receivedDate of ['2026-03-16', '2025-03-13', '1999-12-31']) {
      const r = await refusal(register(t, { receivedDate }));
      expect(r.code).toBe('BAD_REQUEST');
      expect(r.fieldErrors?.receivedDate?.[0]?.key).toBe('dateOutOfRange');
    }
    // Today (Oslo) and exactly 366 days back are fine.
    await register(t, { receivedDate: '2026-03-15' });
    await register(t, { receivedDate: '2025-03-14' });
    expect(rowsOf(t, schema.dsrRequests)).toBe(2);
  });

  it('takes the Oslo day at midnight: 00:30 in Oslo is already the next day', async () => {
    // 23:30 UTC on 15 March is 00:30 on 16 March in Oslo.
    vi.setSystemTime(Date.parse('2026-03-15T23:30:00Z'));
    const t = setup();
    const { id } = await register(t, { receivedDate: '2026-03-16' });
    expect(await po(t).dsr.byId({ id })).toMatchObject({
      receivedDate: '2026-03-16',
      dueDate: '2026-04-16',
    });
    const r = await refusal(register(t, { receivedDate: '2026-03-17' }));
    expect(r.fieldErrors?.receivedDate?.[0]?.key).toBe('dateOutOfRange');
  });

  it('needs an e-mail or a phone', async () => {
    const t = setup();
    const r = await refusal(register(t, { email: undefined }));
    expect(r).toMatchObject({ code: 'BAD_REQUEST' });
    expect(r.fieldErrors?.email?.[0]?.key).toBe('emailOrPhoneRequired');
    expect(rowsOf(t, schema.dsrRequests)).toBe(0);
  });
});

describe('status transitions (the table in @mg/shared, over every pair)', () => {
  const pairs = DSR_STATUSES.flatMap((from) => DSR_STATUSES.map((to) => [from, to] as const));

  it('allows exactly the documented ones', () => {
    const allowed = pairs.filter(([from, to]) => canTransition(from, to)).map((p) => p.join('>'));
    expect(allowed).toEqual([
      'received>identity_verified',
      'received>rejected',
      'identity_verified>in_progress',
      'identity_verified>completed',
      'identity_verified>rejected',
      'in_progress>completed',
      'in_progress>rejected',
    ]);
  });

  it.each(pairs)('%s -> %s through the API', async (from, to) => {
    const t = setup();
    const { id } = await register(t);
    driveTo(t, id, from);
    const eventsBefore = rowsOf(t, schema.dsrEvents);
    const call = po(t).dsr.transition({ id, to, note: 'Sjekket og gjort' });
    if ((DSR_TRANSITIONS[from] as readonly DsrStatus[]).includes(to)) {
      await expect(call).resolves.toMatchObject({ status: to });
      const row = requestRow(t, id);
      expect(row).toMatchObject({ status: to, statusChangedByUserId: t.f.users.privacy_officer });
      const got = await po(t).dsr.byId({ id });
      expect(got.events.at(-1)).toMatchObject({
        kind: 'status',
        fromStatus: from,
        toStatus: to,
        note: 'Sjekket og gjort',
        byUserId: t.f.users.privacy_officer,
      });
      const entry = t.entries().findLast((e) => e.action === 'dsr.transition');
      expect(entry).toMatchObject({ purpose: `dsr:${id}`, targetType: 'dsr' });
      expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({ from, to });
    } else {
      const r = await refusal(call);
      expect(r.code).toBe('CONFLICT');
      expect(r.domainCode).toBe(
        from === 'completed' || from === 'rejected' ? 'dsrClosed' : 'dsrTransitionNotAllowed',
      );
      expect(requestRow(t, id)?.status).toBe(from);
      expect(rowsOf(t, schema.dsrEvents)).toBe(eventsBefore);
    }
  });

  it.each(['identity_verified', 'rejected'] as const)(
    'received -> %s needs a note (nothing changes without one)',
    async (to) => {
      const t = setup();
      const { id } = await register(t);
      const r = await refusal(po(t).dsr.transition({ id, to, note: '  ' }));
      expect(r.code).toBe('BAD_REQUEST');
      expect(r.fieldErrors?.note?.[0]?.key).toBe('required');
      expect(requestRow(t, id)?.status).toBe('received');
    },
  );

  it('manual verification records the method and the note', async () => {
    const t = setup();
    const { id } = await register(t);
    await po(t).dsr.transition({ id, to: 'identity_verified', note: 'Ringte tilbake på nummeret' });
    expect(requestRow(t, id)).toMatchObject({
      verificationMethod: 'manual',
      verificationNote: 'Ringte tilbake på nummeret',
    });
  });

  it('an unknown id is NOT_FOUND and logged as denied', async () => {
    const t = setup();
    expect((await refusal(po(t).dsr.transition({ id: 999, to: 'rejected', note: 'x' }))).code).toBe(
      'NOT_FOUND',
    );
    expect(t.lastEntry()).toMatchObject({ action: 'dsr.transition', outcome: 'denied' });
  });
});

describe('closing mails', () => {
  it('completing mails what was done and the right to complain, to the subject only', async () => {
    const t = setup();
    const { id } = await register(t, { receivedDate: '2026-03-02' });
    driveTo(t, id, 'in_progress');
    const note = 'Vi har sendt deg en kopi av alle opplysningene.';
    await expect(po(t).dsr.transition({ id, to: 'completed', note })).resolves.toMatchObject({
      mailed: true,
    });
    const mails = outbox(t);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail).toMatchObject({ kind: 'dsr_closing', toAddress: 'ase@example.no', leadId: null });
    expect(mail?.body).toContain(note);
    expect(mail?.body).toContain('datatilsynet.no');
    expect(mail?.body).toContain('Mestergruppen Eiendom');
    expect(mail?.body).toContain('2026-03-02');
    // No other person's data, and no staff name.
    for (const other of [
      'Bjørn',
      'Camilla',
      'David',
      'Eva',
      'Åse',
      'privacy_officer',
      'po@test.no',
    ])
      expect(mail?.body).not.toContain(other);
    expect(requestRow(t, id)?.outcome).toBe(note);
  });

  it('rejecting mails the reason and the right to complain', async () => {
    const t = setup();
    const { id } = await register(t);
    await po(t).dsr.transition({ id, to: 'rejected', note: 'Vi kunne ikke bekrefte identiteten.' });
    const [mail] = outbox(t);
    expect(mail?.body).toContain('Vi kunne ikke bekrefte identiteten.');
    expect(mail?.body).toContain('datatilsynet.no');
  });

  it('a request known by phone only has no address to mail', async () => {
    const t = setup();
    const { id } = await register(t, { email: undefined, phone: '+4791234567' });
    await po(t).dsr.transition({ id, to: 'rejected', note: 'Trukket av personen' });
    expect(outbox(t)).toHaveLength(0);
  });
});

describe('extension (art. 12(3))', () => {
  it('moves the due date by 1 or 2 months from the received date, once', async () => {
    const t = setup();
    const { id } = await register(t, { receivedDate: '2026-01-31' });
    await expect(
      po(t).dsr.extend({ id, months: 2, reason: 'Mange henvendelser og kompleks sak' }),
    ).resolves.toEqual({ dueDate: '2026-04-30' });
    const got = await po(t).dsr.byId({ id });
    expect(got).toMatchObject({ dueDate: '2026-04-30', extensionMonths: 2, urgency: 'ok' });
    expect(got.events.at(-1)).toMatchObject({
      kind: 'extended',
      note: 'Mange henvendelser og kompleks sak',
    });
    const again = await refusal(po(t).dsr.extend({ id, months: 1, reason: 'En gang til' }));
    expect(again).toMatchObject({ code: 'CONFLICT', domainCode: 'dsrAlreadyExtended' });
    expect((await po(t).dsr.byId({ id })).dueDate).toBe('2026-04-30');
  });

  it('refuses 0 or 3 months, a missing reason, and a closed request', async () => {
    const t = setup();
    const { id } = await register(t);
    for (const months of [0, 3])
      expect((await refusal(po(t).dsr.extend({ id, months, reason: 'x' }))).code).toBe(
        'BAD_REQUEST',
      );
    expect((await refusal(po(t).dsr.extend({ id, months: 1, reason: ' ' }))).code).toBe(
      'BAD_REQUEST',
    );
    driveTo(t, id, 'rejected');
    expect(await refusal(po(t).dsr.extend({ id, months: 1, reason: 'Sen' }))).toMatchObject({
      code: 'CONFLICT',
      domainCode: 'dsrClosed',
    });
    expect(requestRow(t, id)?.extensionMonths).toBeNull();
  });
});

describe('confirmation link from staff', () => {
  it('goes to the request e-mail, logged, with a timeline entry', async () => {
    const t = setup();
    const { id } = await register(t);
    await expect(po(t).dsr.sendLink({ id })).resolves.toEqual({ sent: 1 });
    const [mail] = outbox(t);
    expect(mail).toMatchObject({ kind: 'dsr_confirmation', toAddress: 'ase@example.no' });
    expect(mail?.body).toMatch(/\/personvern\/foresporsel\/bekreft\/[a-z2-7]{32}/);
    expect((await po(t).dsr.byId({ id })).events.at(-1)).toMatchObject({ kind: 'link_sent' });
    // Only the hash is stored.
    const [token] = t.handle.db.select().from(schema.dsrTokens).all();
    expect(mail?.body).not.toContain(token?.tokenHash);
  });

  it('goes to the e-mail on the leads when only a phone is known', async () => {
    const t = setup();
    const { id } = await register(t, { email: undefined, phone: '912 34 567' });
    await po(t).dsr.sendLink({ id });
    // Åse has leads at both subsidiaries with one address: one mail.
    expect(outbox(t).map((m) => m.toAddress)).toEqual(['ase@example.no']);
  });

  it('refuses when no address is known, and once the request is past received', async () => {
    const t = setup();
    const { id } = await register(t, { email: undefined, phone: '+4740000000' });
    expect(await refusal(po(t).dsr.sendLink({ id }))).toMatchObject({ domainCode: 'dsrNoAddress' });
    const other = await register(t);
    driveTo(t, other.id, 'identity_verified');
    expect(await refusal(po(t).dsr.sendLink({ id: other.id }))).toMatchObject({
      domainCode: 'dsrTransitionNotAllowed',
    });
    expect(outbox(t)).toHaveLength(0);
  });
});

describe('the timeline', () => {
  it('is append-only in the database', async () => {
    const t = setup();
    await register(t);
    expect(() => t.handle.sqlite.prepare("update dsr_events set note = 'x'").run()).toThrow(
      /append-only/,
    );
    expect(() => t.handle.sqlite.prepare('delete from dsr_events').run()).toThrow(/append-only/);
  });
});

describe('the register list and counts', () => {
  it('shows overdue and due-soon first, filters, searches, and logs what it showed', async () => {
    const t = setup();
    const later = await register(t, { receivedDate: '2026-03-14', email: 'sen@example.no' }); // due 14 Apr
    const overdue = await register(t, { receivedDate: '2026-02-10', type: 'erasure' }); // due 10 Mar
    const soon = await register(t, {
      receivedDate: '2026-02-20',
      phone: '+4792222222',
      email: undefined,
    }); // due 20 Mar
    const closed = await register(t, { receivedDate: '2026-01-02' });
    driveTo(t, closed.id, 'rejected');
    const today = await register(t, { receivedDate: '2026-02-15', email: 'idag@example.no' }); // due today

    const all = await po(t).dsr.list({});
    expect(all.items.map((r) => r.id)).toEqual([
      overdue.id,
      today.id,
      soon.id,
      later.id,
      closed.id,
    ]);
    expect(all.items.map((r) => r.urgency)).toEqual([
      'overdue',
      'dueSoon',
      'dueSoon',
      'ok',
      'closed',
    ]);

    expect((await po(t).dsr.list({ type: 'erasure' })).items.map((r) => r.id)).toEqual([
      overdue.id,
    ]);
    expect((await po(t).dsr.list({ status: 'rejected' })).items.map((r) => r.id)).toEqual([
      closed.id,
    ]);
    expect((await po(t).dsr.list({ openOnly: true })).total).toBe(4);
    expect((await po(t).dsr.list({ search: 'SEN@' })).items.map((r) => r.id)).toEqual([later.id]);
    expect((await po(t).dsr.list({ search: '922 22 222' })).items.map((r) => r.id)).toEqual([
      soon.id,
    ]);

    const entry = t.entries().findLast((e) => e.action === 'dsr.list');
    expect(entry?.purpose).toBe('dsr');
    expect(entry?.detail).toContain('"searched":true');
    expect(JSON.stringify(entry)).not.toContain('922');

    // Due today is still in time: due soon, not overdue.
    expect(await po(t).dsr.counts()).toEqual({ open: 4, overdue: 1, dueSoon: 2 });
  });
});
