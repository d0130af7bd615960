import { z } from 'zod';
import { addDays, osloDate, osloDayStart } from './dates';
import { freeMultilineText, idSchema } from './inputs';

/** The privacy policy's default: leads are kept 36 months after their last activity. */
export const RETENTION_DEFAULT_MONTHS = 36;
export const RETENTION_MIN_MONTHS = 1;
export const RETENTION_MAX_MONTHS = 120;
/** How far ahead the retention page lists the leads that are about to reach the period. */
export const RETENTION_UPCOMING_DAYS = 30;
/** Sent outbox rows (and their .eml files) are kept this long as the forwarding log. */
export const OUTBOX_KEEP_DAYS = 30;

/** Calendar months on an ISO date; the day is clamped (31 March minus a month: 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y = 1970, m = 1, d = 1] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/**
 * Leads whose last activity is before this instant are past the retention period: the
 * start of the Oslo day `months` before today. A lead last active on that day is kept (its
 * period ends today); one last active the day before is due. The same all day long, since
 * only the Oslo date of `now` counts.
 */
export function retentionCutoff(months: number, now = Date.now()): number {
  return osloDayStart(addMonths(osloDate(now), -months));
}

/** The Oslo date a lead last active at `lastActivityAt` becomes due (the day after its period). */
export function retentionDueDate(lastActivityAt: number, months: number): string {
  return addDays(addMonths(osloDate(lastActivityAt), months), 1);
}

const reason = freeMultilineText(1000);

export const retentionSettingsInput = z.object({
  months: z
    .number()
    .int('invalid')
    .min(RETENTION_MIN_MONTHS, 'invalid')
    .max(RETENTION_MAX_MONTHS, 'invalid'),
});
export const retentionRunInput = z.object({ dryRun: z.boolean() });
export const retentionRunsInput = z.object({ limit: z.number().int().min(1).max(100).default(20) });

/** Set (with a required reason) or lift (reason still required: why it no longer applies). */
export const leadHoldInput = z.object({ id: idSchema, on: z.boolean(), reason });
export const leadRestrictInput = z.object({ id: idSchema, on: z.boolean(), reason });
export const OBJECTION_KINDS = ['marketing', 'other'] as const;
export type ObjectionKind = (typeof OBJECTION_KINDS)[number];
export const leadObjectionInput = z.object({
  id: idSchema,
  kind: z.enum(OBJECTION_KINDS),
  reason,
});
