import { z } from 'zod';
import { addDays, osloDate, osloDayStart } from './dates';
import { emailSchema, freeMultilineText, idSchema, phoneSchema } from './inputs';
import { addMonths } from './retention';
import { textProblem } from './validators';

/**
 * Data subject requests (GDPR art. 12-22, DOMAIN flow 4): the one home of their rules. The API
 * enforces them; the web app reads them to decide which actions to offer and how to show dates.
 */

export const DSR_TYPES = [
  'access',
  'portability',
  'rectification',
  'erasure',
  'restriction',
  'objection',
  'consent_withdrawal',
] as const;
export type DsrType = (typeof DSR_TYPES)[number];

export const DSR_STATUSES = [
  'received',
  'identity_verified',
  'in_progress',
  'completed',
  'rejected',
] as const;
export type DsrStatus = (typeof DSR_STATUSES)[number];

export const DSR_CHANNELS = ['email', 'phone', 'letter', 'web'] as const;
export type DsrChannel = (typeof DSR_CHANNELS)[number];

/** What a timeline entry records (dsr_events is append-only). */
export const DSR_EVENT_KINDS = ['created', 'status', 'extended', 'link_sent'] as const;
export type DsrEventKind = (typeof DSR_EVENT_KINDS)[number];

/** How the identity was verified: the person's click on the mailed link, or staff with a note. */
export const DSR_VERIFICATION_METHODS = ['link', 'manual'] as const;
export type DsrVerificationMethod = (typeof DSR_VERIFICATION_METHODS)[number];

/**
 * The allowed status changes. Everything else is refused.
 *
 * - received -> identity_verified: the person clicked the link, or staff verified manually.
 * - received -> rejected: identity cannot be verified, or the request is manifestly unfounded
 *   or excessive (art. 12(5)); the reason is mailed with the right to complain.
 * - identity_verified -> in_progress: work has started.
 * - identity_verified -> completed: a request that needs no separate work phase (for example a
 *   consent withdrawal done on the spot) may be closed straight away, with the note of what
 *   was done; forcing a pointless in_progress step would only add a false timeline entry.
 * - identity_verified -> rejected, in_progress -> rejected: an exemption found while handling
 *   it (art. 17(3), a legal hold for the whole request).
 * - in_progress -> completed: done; the note says what was done and is mailed to the person.
 *
 * completed and rejected are final: a reopened case is a new request with its own deadline.
 * Nothing goes back to received: verification is never undone (a second look is a note).
 */
export const DSR_TRANSITIONS = {
  received: ['identity_verified', 'rejected'],
  identity_verified: ['in_progress', 'completed', 'rejected'],
  in_progress: ['completed', 'rejected'],
  completed: [],
  rejected: [],
} as const satisfies Record<DsrStatus, readonly DsrStatus[]>;

export function canTransition(from: DsrStatus, to: DsrStatus): boolean {
  return (DSR_TRANSITIONS[from] as readonly DsrStatus[]).includes(to);
}

/** Statuses a request is still open in (counted as open, can be overdue). */
export const DSR_OPEN_STATUSES: readonly DsrStatus[] = [
  'received',
  'identity_verified',
  'in_progress',
];
export const isOpenDsr = (status: DsrStatus) => DSR_OPEN_STATUSES.includes(status);

/**
 * A change to these needs a note: what was checked (manual verification), what was done
 * (completed, mailed to the person) or why not (rejected, mailed too).
 */
export function transitionNeedsNote(to: DsrStatus): boolean {
  return to === 'identity_verified' || to === 'completed' || to === 'rejected';
}

// ---------------------------------------------------------------- deadlines

/** Art. 12(3): one month, extendable by two further months once, with a reason. */
export const DSR_BASE_MONTHS = 1;
export const DSR_MAX_EXTENSION_MONTHS = 2;
/** Requests due within this many days (today included) are shown as "due soon". */
export const DSR_DUE_SOON_DAYS = 7;
/** Staff may register a request received up to this long ago (a backlog, a late letter). */
export const DSR_MAX_RECEIVED_AGE_DAYS = 366;

/**
 * The due date: received date + one calendar month (+ the extension's months), Oslo calendar
 * days, the day clamped to the month's end (31 January -> 28/29 February). Counted from the
 * received date, not from the first due date, so 31 January + 1 + 2 months is 30 April, not
 * 28 April.
 */
export function dsrDueDate(receivedDate: string, extensionMonths = 0): string {
  return addMonths(receivedDate, DSR_BASE_MONTHS + extensionMonths);
}

/** The due date as stored: the instant the Oslo due day starts. */
export function dsrDueAt(receivedDate: string, extensionMonths = 0): number {
  return osloDayStart(dsrDueDate(receivedDate, extensionMonths));
}

export type DsrUrgency = 'overdue' | 'dueSoon' | 'ok' | 'closed';

/**
 * Overdue once the due day has passed in Oslo (the due day itself is still in time); due soon
 * when the due day is within the next seven days, today included. Closed requests are neither.
 */
export function dsrUrgency(dueDate: string, status: DsrStatus, now = Date.now()): DsrUrgency {
  if (!isOpenDsr(status)) return 'closed';
  const today = osloDate(now);
  if (dueDate < today) return 'overdue';
  if (dueDate <= addDays(today, DSR_DUE_SOON_DAYS - 1)) return 'dueSoon';
  return 'ok';
}

/** The oldest received date staff may register today (inclusive). */
export function dsrEarliestReceivedDate(now = Date.now()): string {
  return addDays(osloDate(now), -DSR_MAX_RECEIVED_AGE_DAYS);
}

/** `dsr:<id>`: the access-log purpose of everything done for one request. */
export type DsrPurpose = `dsr:${number}`;
export const dsrPurpose = (id: number): DsrPurpose => `dsr:${id}`;

// ---------------------------------------------------------------- inputs

const note = (max = 2000) => freeMultilineText(max);
/** Empty form fields arrive as "", which means "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    schema.optional(),
  );

const dsrCreateSchema = <P extends z.ZodType>(phone: P) =>
  z
    .object({
      type: z.enum(DSR_TYPES),
      email: optional(emailSchema),
      phone: optional(phone),
      channel: z.enum(DSR_CHANNELS),
      receivedDate: z.iso.date('invalid'),
      message: optional(note()),
    })
    .superRefine((v, ctx) => {
      if (!v.email && !v.phone)
        ctx.addIssue({ code: 'custom', message: 'emailOrPhoneRequired', path: ['email'] });
    });
export const dsrCreateInput = dsrCreateSchema(phoneSchema);
/**
 * The same form as the browser checks it: the web build carries no phone metadata
 * (apps/web/src/lib/phone-server-only.ts), so the number itself is checked by the server.
 */
export const dsrCreateFormInput = dsrCreateSchema(z.string().trim().max(30, 'tooLong'));
export type DsrCreateInput = z.infer<typeof dsrCreateInput>;

export const dsrListInput = z.object({
  status: z.enum(DSR_STATUSES).optional(),
  type: z.enum(DSR_TYPES).optional(),
  /** Matched on the normalised e-mail or phone; logged as "searched", never the words. */
  search: z
    .string()
    .trim()
    .max(254, 'tooLong')
    .superRefine((value, ctx) => {
      const problem = textProblem(value, { multiline: false });
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** Open requests only (the default view); closed ones on request. */
  openOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(200).default(100),
});
export type DsrListInput = z.infer<typeof dsrListInput>;

export const dsrIdInput = z.object({ id: idSchema });

export const dsrTransitionInput = z.object({
  id: idSchema,
  to: z.enum(DSR_STATUSES),
  note: optional(note()),
});
export type DsrTransitionInput = z.infer<typeof dsrTransitionInput>;

export const dsrExtendInput = z.object({
  id: idSchema,
  months: z.number().int('invalid').min(1, 'invalid').max(DSR_MAX_EXTENSION_MONTHS, 'invalid'),
  reason: note(1000),
});

/** The public request page's form. `website` is the honeypot. */
export const dsrPublicInput = z.object({
  type: z.enum(DSR_TYPES),
  email: emailSchema,
  message: optional(note()),
  website: z.string().max(500, 'tooLong').optional(),
});
