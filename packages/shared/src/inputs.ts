import { z } from 'zod';
import {
  AUDIT_OUTCOMES,
  AUDIT_TARGET_TYPES,
  CONSENT_PURPOSES,
  LEAD_STATUSES,
  PROJECT_STATUSES,
  ROLES,
} from './enums';
import { isValidOrgNumber, normaliseEmail, normaliseOrgNumber, normalisePhone } from './validators';

export const PASSWORD_MIN_LENGTH = 12;

const text = (max: number) => z.string().trim().min(1, 'required').max(max, 'tooLong');
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
  .transform(normaliseOrgNumber)
  .refine(isValidOrgNumber, 'invalidOrgNumber');

export const slugSchema = z
  .string()
  .trim()
  .min(2, 'tooShort')
  .max(80, 'tooLong')
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'invalidSlug');

// ---------- auth ----------
export const loginInput = z.object({
  email: z.string().trim().min(1, 'required').max(254, 'tooLong'),
  password: z.string().min(1, 'required').max(256, 'tooLong'),
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

// ---------- leads ----------
export const leadListInput = z.object({
  projectId: idSchema.optional(),
  subsidiaryId: idSchema.optional(),
  status: z.enum(LEAD_STATUSES).optional(),
  consent: z.enum(CONSENT_PURPOSES).optional(),
  search: z.string().trim().max(200, 'tooLong').optional(),
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type LeadListInput = z.infer<typeof leadListInput>;

// ---------- access log ----------
export const auditListInput = z.object({
  actorUserId: idSchema.optional(),
  action: z.string().trim().max(60, 'tooLong').optional(),
  targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
  targetId: z.number().int().positive().optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type AuditListInput = z.infer<typeof auditListInput>;

export const roleSchema = z.enum(ROLES);
