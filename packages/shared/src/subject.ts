import { z } from 'zod';
import { freeMultilineText, idSchema, intakeInput } from './inputs';
import { OBJECTION_KINDS } from './retention';

/**
 * The subject view of a data subject request (DOMAIN flow 4): every lead of the person, and
 * the actions the privacy officer takes on them. Shared by the API (validation) and the web
 * app (forms, which action a request type offers).
 */

/** A person's leads the view and the export hold at most (say so when there are more). */
export const SUBJECT_MAX_LEADS = 200;
/** Access-log entries about the person's leads the export holds at most (newest first). */
export const SUBJECT_EXPORT_MAX_CONSULTATIONS = 5000;

/** What can be done on a request, one row each in dsr_actions. */
export const SUBJECT_ACTIONS = [
  'export',
  'rectify',
  'erase',
  'restrict',
  'object',
  'withdraw_consent',
] as const;
export type SubjectAction = (typeof SUBJECT_ACTIONS)[number];

/**
 * Which actions each request type allows: an erasure only under an erasure request, and so
 * on, so the request's record says exactly what was asked and what was done. Every type may
 * give the person their data (an answer often starts with what we hold). Keys are the
 * request types (dsr_requests.type; a test checks they match).
 */
export const SUBJECT_ACTIONS_BY_TYPE = {
  access: ['export'],
  portability: ['export'],
  rectification: ['export', 'rectify'],
  erasure: ['export', 'erase'],
  restriction: ['export', 'restrict'],
  objection: ['export', 'object'],
  consent_withdrawal: ['export', 'withdraw_consent'],
} as const satisfies Record<string, readonly SubjectAction[]>;
export type SubjectRequestType = keyof typeof SUBJECT_ACTIONS_BY_TYPE;

export function subjectActionAllowed(type: string, action: SubjectAction): boolean {
  const allowed = (SUBJECT_ACTIONS_BY_TYPE as Record<string, readonly SubjectAction[]>)[type];
  return allowed?.includes(action) ?? false;
}

/** Request statuses in which actions may be taken: identity checked, and not closed. */
export const SUBJECT_ACTIVE_STATUSES = ['identity_verified', 'in_progress'] as const;

/** The purpose code an entry's purpose belongs to ('dsr:12' -> 'dsr'). */
export function purposeCode(purpose: string | null): string | null {
  if (purpose === null) return null;
  return purpose.split(':')[0] ?? null;
}

const requestId = z.object({ requestId: idSchema });

export const subjectViewInput = requestId;

/** Fields a rectification may change: the intake's own validators, so the rules are one. */
export const RECTIFY_FIELDS = ['name', 'email', 'phone', 'message'] as const;
export type RectifyField = (typeof RECTIFY_FIELDS)[number];

const intake = intakeInput.shape;
export const subjectRectifyInput = z
  .object({
    requestId: idSchema,
    /** The leads to correct (all of them must be the person's); at most the view's cap. */
    leadIds: z.array(idSchema).min(1, 'required').max(SUBJECT_MAX_LEADS, 'tooLong'),
    name: intake.name.optional(),
    email: intake.email.optional(),
    phone: intake.phone.optional(),
    /** A new message, or null to remove it. */
    message: z.union([z.null(), intake.message]).optional(),
  })
  .superRefine((value, ctx) => {
    if (RECTIFY_FIELDS.every((field) => value[field] === undefined))
      ctx.addIssue({ code: 'custom', message: 'required', path: ['name'] });
  });
export type SubjectRectifyInput = z.infer<typeof subjectRectifyInput>;

/** Why: the same bounds as the lead page's hold and restriction reasons. */
const reason = freeMultilineText(1000);

export const subjectEraseInput = requestId;
export const subjectRestrictInput = z.object({ requestId: idSchema, reason });
export const subjectObjectInput = z.object({
  requestId: idSchema,
  kind: z.enum(OBJECTION_KINDS),
  reason,
});
export const subjectWithdrawInput = requestId;

export const subjectSeenByInput = z.object({
  requestId: idSchema,
  cursor: idSchema.optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
