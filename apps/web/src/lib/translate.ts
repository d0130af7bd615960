import type { TFunction } from 'i18next';

/** Sections of the translations whose values come from an open-ended set on the server. */
type OpenSection =
  | 'activityKind'
  | 'auditAction'
  | 'auditPurpose'
  | 'auditTargetType'
  | 'outboxKind'
  | 'roles'
  | 'verifyReason';

/**
 * Translates a value the server may extend later (an audit action, an activity kind),
 * falling back to the raw value rather than showing a missing-key path.
 */
export function translateOpen(t: TFunction, section: OpenSection, value: string): string {
  // With a default value, i18next accepts keys it cannot check at compile time.
  return t(`${section}.${value}`, { defaultValue: value });
}
