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

/** An access-log purpose: a fixed code, or `dsr:<id>` for the work on one data subject request. */
export function auditPurposeLabel(t: TFunction, purpose: string): string {
  const request = /^dsr:(\d+)$/.exec(purpose);
  if (request) return t('auditPurposeRequest', { id: request[1] });
  return translateOpen(t, 'auditPurpose', purpose);
}
