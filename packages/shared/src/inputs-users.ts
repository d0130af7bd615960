import { z } from 'zod';
import { USER_STATUSES } from './accounts';
import { ROLES } from './enums';
import { emailSchema, freeText, idSchema } from './inputs';
import { passwordProblem } from './passwords';
import { isSubsidiaryScoped } from './permissions';

const id = idSchema;
/** A person's name: the same hygiene as every other free text (no control or invisible-only text). */
const name = freeText(120);
const email = emailSchema;

/** A new password: at least 12 characters and not one of the 1,000 most common. */
export const newPasswordSchema = z.string().superRefine((value, ctx) => {
  const problem = passwordProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A subsidiary user must have a subsidiary; everyone else must not (their scope is all). */
function checkSubsidiary(
  value: { role: (typeof ROLES)[number]; subsidiaryId: number | null },
  ctx: z.RefinementCtx,
) {
  if (isSubsidiaryScoped(value.role) && value.subsidiaryId === null)
    ctx.addIssue({ code: 'custom', path: ['subsidiaryId'], message: 'subsidiaryRequired' });
  if (!isSubsidiaryScoped(value.role) && value.subsidiaryId !== null)
    ctx.addIssue({ code: 'custom', path: ['subsidiaryId'], message: 'subsidiaryNotAllowed' });
}

export const userListInput = z
  .object({
    search: z.string().trim().max(100, 'tooLong').optional(),
    role: z.enum(ROLES).optional(),
    subsidiaryId: id.optional(),
    status: z.enum(USER_STATUSES).optional(),
  })
  .default({});

export const userInviteInput = z
  .object({ name, email, role: z.enum(ROLES), subsidiaryId: id.nullable() })
  .superRefine(checkSubsidiary);
export type UserInviteInput = z.infer<typeof userInviteInput>;

export const userIdInput = z.object({ id });

export const userAccessInput = z
  .object({ id, role: z.enum(ROLES), subsidiaryId: id.nullable() })
  .superRefine(checkSubsidiary);

export const totpRolesInput = z.object({
  roles: z.array(z.enum(ROLES)).max(ROLES.length, 'tooLong'),
});

// ---------- own account ----------
export const accountNameInput = z.object({ name });
export const accountPasswordInput = z.object({
  currentPassword: z.string().min(1, 'required').max(256, 'tooLong'),
  newPassword: newPasswordSchema,
});
export const accountNotifyInput = z.object({ notifyOnAssign: z.boolean() });

// ---------- links from mail ----------
/** The token from an invitation or reset link (base32, as generated). */
export const linkTokenSchema = z.string().trim().min(20, 'invalid').max(100, 'invalid');
export const linkTokenInput = z.object({ token: linkTokenSchema });
export const setPasswordInput = z.object({ token: linkTokenSchema, password: newPasswordSchema });
export const forgotPasswordInput = z.object({
  email: z.string().trim().min(1, 'required').max(254, 'tooLong'),
});

// ---------- second factor ----------
/** Six digits, or a recovery code (letters and digits, dashes ignored). */
export const totpCodeSchema = z
  .string()
  .trim()
  .min(6, 'invalidCode')
  .max(40, 'invalidCode')
  .transform((v) => v.replace(/[\s-]/g, '').toLowerCase());
export const totpCodeInput = z.object({ code: totpCodeSchema });
export const totpDisableInput = z.object({
  password: z.string().min(1, 'required').max(256, 'tooLong'),
  code: totpCodeSchema,
});
