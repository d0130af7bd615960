import { z } from 'zod';
import { addDays, daysBetween, weekStart } from './dates';
import {
  AUDIT_OUTCOMES,
  AUDIT_TARGET_TYPES,
  CONSENT_PURPOSES,
  DEFAULT_LEAD_COLUMNS,
  EXPORT_PURPOSES,
  LEAD_COLUMNS,
  LEAD_SORTS,
  LEAD_STATUSES,
  PROJECT_STATUSES,
  ROLES,
  SORT_DIRECTIONS,
  VIEW_VISIBILITIES,
} from './enums';
import { decodeLeadCursor } from './lead-sort';
import { LEAD_BULK_MAX, MAX_DATE, MIN_DATE } from './limits';
import { LOGIN_EMAIL_MAX, LOGIN_PASSWORD_MAX } from './login';
import {
  isValidOrgNumber,
  normaliseEmail,
  normaliseOrgNumber,
  normalisePhone,
  textProblem,
} from './validators';

export const PASSWORD_MIN_LENGTH = 12;
/**
 * Free text passes the shared hygiene check (no lone surrogates or control characters, not
 * only invisible characters); multi-line text may hold newlines and tabs.
 */
const clean = (multiline: boolean) => (value: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(value, { multiline });
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};
const text = (max: number) =>
  z.string().trim().min(1, 'required').max(max, 'tooLong').superRefine(clean(false));
const multilineText = (max: number) =>
  z.string().trim().min(1, 'required').max(max, 'tooLong').superRefine(clean(true));
/** For every new free-text input (user names, titles…): required, bounded, and clean. */
export const freeText = text;
export const freeMultilineText = multilineText;
/** An optional filter text (search, action name): may be empty, but never junk. */
const filterText = (max: number) => z.string().trim().max(max, 'tooLong').superRefine(clean(false));
export const idSchema = z.number().int().positive();

export const emailSchema = z
  .string()
  .trim()
  .min(1, 'required')
  .max(254, 'tooLong')
  .pipe(z.email('invalidEmail'))
  .transform(normaliseEmail);

export const phoneSchema = z
  .string()
  .trim()
  .min(1, 'required')
  .max(30, 'tooLong')
  .transform((value, ctx) => {
    const phone = normalisePhone(value);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'invalidPhone' });
      return z.NEVER;
    }
    return phone;
  });

export const orgNumberSchema = z
  .string()
  .trim()
  .min(1, 'required')
  .max(20, 'tooLong')
  .transform(normaliseOrgNumber)
  .refine(isValidOrgNumber, 'invalidOrgNumber');

export const slugSchema = z
  .string()
  .trim()
  .min(2, 'tooShort')
  .max(80, 'tooLong')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'invalidSlug');

// ---------- auth ----------
/** The sign-in page checks the same by hand (login.ts), to keep zod off its first load. */
export const loginInput = z.object({
  email: z.string().trim().min(1, 'required').max(LOGIN_EMAIL_MAX, 'tooLong'),
  password: z.string().min(1, 'required').max(LOGIN_PASSWORD_MAX, 'tooLong'),
});

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, 'passwordTooShort')
  .max(256, 'tooLong');

// ---------- subsidiaries ----------
export const subsidiaryInput = z.object({
  name: text(120),
  orgNumber: orgNumberSchema,
  contactEmail: emailSchema,
  active: z.boolean().default(true),
});
export type SubsidiaryInput = z.infer<typeof subsidiaryInput>;
export const subsidiaryUpdateInput = subsidiaryInput.extend({ id: idSchema });

// ---------- projects ----------
export const projectInput = z.object({
  name: text(120),
  slug: slugSchema,
  place: text(120),
  status: z.enum(PROJECT_STATUSES),
  subsidiaryId: idSchema,
});
export type ProjectInput = z.infer<typeof projectInput>;
export const projectUpdateInput = projectInput
  .omit({ subsidiaryId: true })
  .extend({ id: idSchema });
export const projectAssignInput = z.object({
  projectId: idSchema,
  subsidiaryId: idSchema,
});

// ---------- dates ----------
/** The dashboard shows at most five years of weeks. */
export const DASHBOARD_MAX_DAYS = 5 * 366;

const inDateRange = (date: string) => date >= MIN_DATE && date <= MAX_DATE;
export const isoDateSchema = z.iso.date('invalid').refine(inDateRange, 'dateOutOfRange');
const isoDate = isoDateSchema;
/** An instant with its offset, on a day inside the date range. */
const isoDateTime = z.iso.datetime({ offset: true }).refine((v) => {
  const at = new Date(v).getTime();
  // toISOString throws on an invalid date: check first, never let a refine throw (a 500).
  return Number.isFinite(at) && inDateRange(new Date(at).toISOString().slice(0, 10));
}, 'dateOutOfRange');

// ---------- leads ----------

/** `to` may not be before `from` (ISO dates compare as strings). */
function checkDateOrder(value: { from?: string; to?: string }, ctx: z.RefinementCtx) {
  if (value.from && value.to && value.to < value.from)
    ctx.addIssue({ code: 'custom', message: 'dateOrder', path: ['to'] });
}

/**
 * The grid filter: one shape for the grid's URL state, saved views and the CSV export.
 * Dates are Oslo calendar days on the created time, both ends included.
 */
const leadFilterShape = {
  projectId: idSchema.optional(),
  subsidiaryId: idSchema.optional(),
  /**
   * One status or several (any of them). A lone string is what old links and saved views
   * hold; both read as a list in funnel order without repeats.
   */
  status: z
    .union([
      z.enum(LEAD_STATUSES),
      z.array(z.enum(LEAD_STATUSES)).min(1, 'required').max(LEAD_STATUSES.length, 'tooLong'),
    ])
    .transform((value) => {
      const wanted = new Set<string>(Array.isArray(value) ? value : [value]);
      return LEAD_STATUSES.filter((status) => wanted.has(status));
    })
    .optional(),
  /** Shorthand kept for old links: current consent is granted for this purpose. */
  consent: z.enum(CONSENT_PURPOSES).optional(),
  /** Current consent per purpose: true granted, false not granted (never given or withdrawn). */
  consents: z.partialRecord(z.enum(CONSENT_PURPOSES), z.boolean()).optional(),
  search: filterText(200).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** A user id, or 'unassigned' for leads nobody has taken. */
  assigneeUserId: z.union([idSchema, z.literal('unassigned')]).optional(),
  restricted: z.boolean().optional(),
  legalHold: z.boolean().optional(),
  anonymised: z.boolean().optional(),
  sort: z.enum(LEAD_SORTS).default('createdAt'),
  dir: z.enum(SORT_DIRECTIONS).default('desc'),
};
/** The grid's URL is read without zod, to the same rules (lead-grid.ts, held equal by its test). */
export const leadFilterSchema = z.object(leadFilterShape).superRefine(checkDateOrder);
export type LeadFilter = z.infer<typeof leadFilterSchema>;
/** What callers may pass: sort and dir have defaults. */
export type LeadFilterParams = z.input<typeof leadFilterSchema>;

export const leadListInput = z
  .object({
    ...leadFilterShape,
    /** Opaque, from the previous page's nextCursor; only valid for the same sort and dir. */
    cursor: z.string().max(2000, 'tooLong').optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .superRefine((value, ctx) => {
    checkDateOrder(value, ctx);
    if (value.cursor === undefined) return;
    const cursor = decodeLeadCursor(value.cursor);
    if (!cursor || cursor.sort !== value.sort || cursor.dir !== value.dir)
      ctx.addIssue({ code: 'custom', message: 'invalid', path: ['cursor'] });
  });
export type LeadListInput = z.infer<typeof leadListInput>;
/** The grid's total, asked for apart from the page (`lead.count`): the same filter, no paging. */
export const leadCountInput = leadFilterSchema;
export type LeadListParams = z.input<typeof leadListInput>;

export const leadColumnsSchema = z
  .array(z.enum(LEAD_COLUMNS))
  .min(1, 'required')
  .max(LEAD_COLUMNS.length, 'tooLong')
  .refine((cols) => new Set(cols).size === cols.length, 'invalid');

export const leadStatusInput = z.object({ id: idSchema, status: z.enum(LEAD_STATUSES) });
export const leadAssignInput = z.object({ id: idSchema, assigneeUserId: idSchema.nullable() });
export const leadNoteInput = z.object({ id: idSchema, body: multilineText(4000) });
export const leadAssigneesInput = z.object({ leadId: idSchema });
/**
 * All or nothing: every id must be in scope, or nothing changes. Either the ids ticked, or
 * `matching`: every workable lead the grid's filter matches ("select all N"), resolved on
 * the server within the caller's scope and refused if more than LEAD_BULK_MAX.
 */
export const leadBulkInput = z
  .object({
    ids: z
      .array(idSchema)
      .min(1, 'required')
      .max(LEAD_BULK_MAX, 'tooLong')
      .transform((ids) => [...new Set(ids)])
      .optional(),
    matching: leadFilterSchema.optional(),
    status: z.enum(LEAD_STATUSES).optional(),
    /** null unassigns; leave out to keep the assignee. */
    assigneeUserId: idSchema.nullable().optional(),
  })
  .refine((v) => v.status !== undefined || v.assigneeUserId !== undefined, {
    message: 'required',
    path: ['status'],
  })
  .refine((v) => (v.ids === undefined) !== (v.matching === undefined), {
    message: 'required',
    path: ['ids'],
  });
export type LeadBulkInput = z.infer<typeof leadBulkInput>;

/**
 * Undo of a bulk change: each lead's value from before it, as the bulk change returned
 * them. The same rules as a change (scope, workable, assignee of the lead's subsidiary).
 */
export const leadBulkRestoreInput = z.object({
  items: z
    .array(
      z.object({
        id: idSchema,
        status: z.enum(LEAD_STATUSES).optional(),
        assigneeUserId: idSchema.nullable().optional(),
      }),
    )
    .min(1, 'required')
    .max(LEAD_BULK_MAX, 'tooLong')
    .refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'invalid'),
});

/** GET /api/exports/leads.csv: the grid's filter and columns, and why. */
export const leadExportInput = z.object({
  filter: leadFilterSchema,
  columns: leadColumnsSchema,
  purpose: z.enum(EXPORT_PURPOSES),
});
export type LeadExportInput = z.infer<typeof leadExportInput>;

// ---------- saved views ----------
export const viewSaveInput = z.object({
  /** Set to overwrite one of your own views. */
  id: idSchema.optional(),
  name: text(80),
  visibility: z.enum(VIEW_VISIBILITIES),
  filter: leadFilterSchema,
  columns: leadColumnsSchema.default([...DEFAULT_LEAD_COLUMNS]),
});
export type ViewSaveInput = z.infer<typeof viewSaveInput>;
export const viewRemoveInput = z.object({ id: idSchema });

// ---------- dashboard ----------
/** The range the dashboard shows: as given, else the last 12 weeks up to `to` or today. */
export function dashboardRange(input: { from?: string; to?: string }, today: string) {
  const to = input.to ?? today;
  // The default never reaches before the first allowed day (a `to` early in 2000).
  const twelveWeeks = addDays(weekStart(to), -7 * 11);
  // biome-ignore lint/complexity/useMathMinMax: ISO dates are strings; Math.max gives NaN
  return { from: input.from ?? (twelveWeeks < MIN_DATE ? MIN_DATE : twelveWeeks), to };
}

/** Why a resolved dashboard range is refused, or null. Also checked once `today` is known. */
export function dashboardRangeProblem(range: { from: string; to: string }) {
  if (!inDateRange(range.from) || !inDateRange(range.to)) return 'dateOutOfRange' as const;
  if (range.to < range.from) return 'dateOrder' as const;
  if (daysBetween(range.from, range.to) > DASHBOARD_MAX_DAYS) return 'rangeTooLong' as const;
  return null;
}

/** The resolved range, for the router to check once it knows today. */
export const dashboardRangeSchema = z
  .object({ from: z.string(), to: z.string() })
  .superRefine((range, ctx) => {
    const problem = dashboardRangeProblem(range);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['from'] });
  });

export const dashboardInput = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** A new lead nobody has taken counts as unhandled after this many days. */
    staleDays: z.number().int().min(0).max(90).default(2),
  })
  .superRefine((value, ctx) => {
    checkDateOrder(value, ctx);
    // Out-of-range dates have their own issue already; only a long range of good dates here.
    if (
      value.from &&
      value.to &&
      dashboardRangeProblem(value as { from: string; to: string }) === 'rangeTooLong'
    )
      ctx.addIssue({ code: 'custom', message: 'rangeTooLong', path: ['from'] });
  });
export type DashboardInput = z.infer<typeof dashboardInput>;

// ---------- intake (public) ----------
export const INTAKE_MESSAGE_MAX = 2000;
export const IDEMPOTENCY_KEY_MAX = 100;

/** A checkbox: JSON sends booleans; a classic form sends "on" when ticked and nothing when not. */
const checkbox = z
  .union([
    z.boolean(),
    z.enum(['on', 'true', '1', 'false', '0', '']).transform((v) => ['on', 'true', '1'].includes(v)),
  ])
  .default(false);

/** Empty form fields arrive as "", which means "not given". */
const optionalText = (max: number, multiline = false) =>
  z
    .string()
    .trim()
    .max(max, 'tooLong')
    .superRefine(clean(multiline))
    .optional()
    .transform((v) => (v ? v : undefined));

/**
 * The interest form. Marketing consent is per purpose and off unless ticked. `website` is a
 * honeypot (people never see it); `policyVersion` is the label of the policy the consumer
 * was shown (missing: the current one).
 */
export const intakeInput = z.object({
  name: text(120),
  email: emailSchema,
  phone: phoneSchema,
  message: optionalText(INTAKE_MESSAGE_MAX, true),
  marketingEmail: checkbox,
  marketingSms: checkbox,
  policyVersion: optionalText(60),
  website: z.string().max(500, 'tooLong').optional(),
  idempotencyKey: optionalText(IDEMPOTENCY_KEY_MAX),
});
export type IntakeInput = z.infer<typeof intakeInput>;

// ---------- privacy policy and consent ----------
export const policyPublishInput = z.object({
  label: text(60),
  effectiveDate: isoDate,
  body: multilineText(200_000),
});
export type PolicyPublishInput = z.infer<typeof policyPublishInput>;

export const consentPurposeSchema = z.enum(CONSENT_PURPOSES);
export const consentWithdrawInput = z.object({ leadId: idSchema, purpose: consentPurposeSchema });
export const leadRefInput = z.object({ leadId: idSchema });

// ---------- access log ----------
export const auditListInput = z.object({
  actorUserId: idSchema.optional(),
  action: filterText(60).optional(),
  targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
  targetId: z.number().int().positive().optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AuditListInput = z.infer<typeof auditListInput>;
/** The list's filter without paging: the audit summary and the access-log download. */
export const auditFilterInput = auditListInput.omit({ cursor: true, limit: true });
export type AuditFilterInput = z.infer<typeof auditFilterInput>;
/** The most entries one access-log download holds (newest first). */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

export const roleSchema = z.enum(ROLES);
