import { describe, expect, it } from 'vitest';
import { osloDate } from './dates';
import {
  canTransition,
  DSR_STATUSES,
  type DsrStatus,
  dsrCreateFormInput,
  dsrCreateInput,
  dsrDueAt,
  dsrDueDate,
  dsrUrgency,
  transitionNeedsNote,
} from './dsr';

describe('DSR due date: received + 1 calendar month, Oslo days, month ends clamped', () => {
  it.each([
    ['2026-01-31', 0, '2026-02-28'],
    ['2028-01-31', 0, '2028-02-29'], // leap year
    ['2028-02-29', 0, '2028-03-29'],
    ['2027-02-28', 0, '2027-03-28'],
    ['2026-03-31', 0, '2026-04-30'],
    ['2026-12-15', 0, '2027-01-15'],
    ['2026-01-31', 2, '2026-04-30'], // extension counts from the received date, not the due date
    ['2026-01-31', 1, '2026-03-31'],
    ['2026-11-30', 2, '2027-02-28'],
  ])('%s + 1 (+%i) months is %s', (received, extension, due) => {
    expect(dsrDueDate(received, extension)).toBe(due);
  });

  it('stores the due date as the start of the Oslo day, across DST', () => {
    // 28 March 2026 is still winter time (UTC+1); 1 April is summer time (UTC+2, from 29 March).
    expect(new Date(dsrDueAt('2026-02-28')).toISOString()).toBe('2026-03-27T23:00:00.000Z');
    expect(new Date(dsrDueAt('2026-03-01')).toISOString()).toBe('2026-03-31T22:00:00.000Z');
    // 28 February: winter time (UTC+1).
    expect(new Date(dsrDueAt('2026-01-31')).toISOString()).toBe('2026-02-27T23:00:00.000Z');
    expect(osloDate(dsrDueAt('2026-09-30'))).toBe('2026-10-30');
    // 25 October 2026 (summer time ends): the due day starts at 22:00 UTC the day before.
    expect(new Date(dsrDueAt('2026-09-25')).toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });
});

describe('DSR urgency (Oslo days)', () => {
  // 00:30 on 1 March in Oslo is still 28 February in UTC.
  const now = Date.parse('2026-03-01T00:30:00+01:00');
  it('is overdue only once the due day has passed in Oslo', () => {
    expect(dsrUrgency('2026-02-28', 'received', now)).toBe('overdue');
    expect(dsrUrgency('2026-03-01', 'received', now)).toBe('dueSoon');
  });
  it('is due soon within 7 days, today included', () => {
    expect(dsrUrgency('2026-03-07', 'in_progress', now)).toBe('dueSoon');
    expect(dsrUrgency('2026-03-08', 'in_progress', now)).toBe('ok');
  });
  it('is never overdue once closed', () => {
    expect(dsrUrgency('2026-01-01', 'completed', now)).toBe('closed');
    expect(dsrUrgency('2026-01-01', 'rejected', now)).toBe('closed');
  });
});

describe('DSR transitions', () => {
  const allowed = new Set([
    'received>identity_verified',
    'received>rejected',
    'identity_verified>in_progress',
    'identity_verified>completed',
    'identity_verified>rejected',
    'in_progress>completed',
    'in_progress>rejected',
  ]);
  const pairs = DSR_STATUSES.flatMap((from) => DSR_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)('%s -> %s', (from: DsrStatus, to: DsrStatus) => {
    expect(canTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
  });
  it('asks for a note where one is mailed or documents the check', () => {
    expect(DSR_STATUSES.filter(transitionNeedsNote)).toEqual([
      'identity_verified',
      'completed',
      'rejected',
    ]);
  });
});

describe('dsrCreateInput', () => {
  const base = { type: 'access', channel: 'email', receivedDate: '2026-03-01' };
  it('needs an e-mail or a phone, and normalises them', () => {
    const none = dsrCreateInput.safeParse({ ...base, email: '', phone: '' });
    expect(none.success).toBe(false);
    expect(none.error?.issues[0]).toMatchObject({ message: 'emailOrPhoneRequired' });
    const ok = dsrCreateInput.parse({ ...base, email: ' Ase@Example.NO ', phone: '912 34 567' });
    expect(ok).toMatchObject({ email: 'ase@example.no', phone: '+4791234567' });
    expect(dsrCreateInput.parse({ ...base, phone: '91234567' }).email).toBeUndefined();
  });
  it('in the browser leaves the phone number itself to the server (no metadata there)', () => {
    expect(dsrCreateFormInput.safeParse({ ...base, phone: '12' }).success).toBe(true);
    expect(dsrCreateFormInput.safeParse({ ...base, phone: '' }).success).toBe(false);
  });
  it('refuses a bad phone, a bad date and an unknown channel', () => {
    expect(dsrCreateInput.safeParse({ ...base, phone: '12' }).success).toBe(false);
    expect(
      dsrCreateInput.safeParse({ ...base, email: 'a@b.no', receivedDate: '2026-02-30' }).success,
    ).toBe(false);
    expect(dsrCreateInput.safeParse({ ...base, email: 'a@b.no', channel: 'fax' }).success).toBe(
      false,
    );
  });
});
