import { recordSuppression, schema } from '@mg/db';
import { osloDate, osloDayStart } from '@mg/shared';
import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createIntakeQueue, osloDays } from '../src/lib/intake';
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
