import type { TFunction } from 'i18next';
import { translateOpen } from '../../lib/translate';

/**
 * What an entry's action reads as. A refused or failed attempt must never read as if it
 * happened ("Så lead" for a denied read): it is "Forsøkte å se lead – avvist".
 */
export function auditActionLabel(t: TFunction, action: string, outcome: string): string {
  if (outcome === 'ok') return translateOpen(t, 'auditAction', action);
  // With a default value, i18next accepts keys it cannot check at compile time.
  const attempt = t(`audit.attempt.${action}`, {
    defaultValue: t('audit.attemptUnknown', { action }),
  });
  return outcome === 'denied'
    ? t('audit.deniedLabel', { attempt })
    : t('audit.errorLabel', { attempt });
}

export type DetailRow = { key: string; label: string; value: string };

function detailValue(t: TFunction, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? t('audit.detailYes') : t('audit.detailNo');
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (Array.isArray(value))
    return value.length === 0 ? '—' : value.map((item) => detailValue(t, item)).join(', ');
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([key, inner]) => `${detailLabel(t, key)}: ${detailValue(t, inner)}`)
      .join('; ');
  return String(value);
}

function detailLabel(t: TFunction, key: string): string {
  return t(`audit.detailKey.${key}`, { defaultValue: key });
}

/** An entry's detail as label/value rows: known keys translated, values in words. */
export function auditDetailRows(t: TFunction, detail: Record<string, unknown> | null): DetailRow[] {
  if (!detail) return [];
  return Object.entries(detail).map(([key, value]) => ({
    key,
    label: detailLabel(t, key),
    value:
      (key === 'reason' || key === 'reasons') && typeof value === 'string'
        ? t(`audit.detailReason.${value}`, { defaultValue: value })
        : detailValue(t, value),
  }));
}
