import {
  formatDate as formatDateIn,
  formatDateTime as formatDateTimeIn,
  formatDay as formatDayIn,
  formatLanguage,
  formatNumber as formatNumberIn,
  formatPercent as formatPercentIn,
  formatRelative as formatRelativeIn,
} from '@mg/shared';
import i18n from 'i18next';

/**
 * The screen's formats: the shared formatter (nb-NO, or en-GB when the UI is English, always
 * on Oslo's clock) in the language the user chose. Every number and date on screen comes
 * from here; the server pages and mails use the same shared functions.
 */
type Instant = number | null | undefined;

let currentLanguage = () => i18n.language;

/**
 * Where the UI language comes from. The browser has one (i18next's); the server's render
 * (entry-server.tsx) sets the page request's own, so concurrent renders never share one.
 */
export function setLanguageSource(source: () => string): void {
  currentLanguage = source;
}

/** The UI language, read at call time so a language switch re-renders in the new format. */
function lang() {
  return formatLanguage(currentLanguage());
}

/** "1 587" / "1,587": counts and amounts (not ids). */
export function formatNumber(value: number): string {
  return formatNumberIn(value, lang());
}

/** 0.123 → "12,3 %" / "12.3%". */
export function formatPercent(value: number): string {
  return formatPercentIn(value, lang());
}

/** "1. des. 2026 kl. 14:05" / "1 Dec 2026, 14:05"; the API sends epoch milliseconds. */
export function formatDateTime(value: Instant): string {
  return formatDateTimeIn(value, lang());
}

/** "1. des. 2026" / "1 Dec 2026". */
export function formatDate(value: Instant): string {
  return formatDateIn(value, lang());
}

/** A plain day such as "2024-06-17", read as that day (never shifted by a zone). */
export function formatDay(value: string | null | undefined): string {
  return value ? formatDayIn(value, lang()) : '';
}

export function formatRelative(value: Instant): string {
  return formatRelativeIn(value, lang());
}

/** Full machine-readable timestamp, for `<time dateTime>` and tooltips. */
export function isoTimestamp(value: number): string {
  return new Date(value).toISOString();
}

/** "923609016" → "923 609 016", the way Brønnøysund prints it. */
export function formatOrgNumber(value: string): string {
  const digits = value.replace(/\s/g, '');
  return /^\d{9}$/.test(digits) ? digits.replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3') : value;
}

/** "+4791234567" → "+47 912 34 567"; other countries are left as stored. */
export function formatPhone(value: string): string {
  const match = /^\+47(\d{3})(\d{2})(\d{3})$/.exec(value);
  return match ? `+47 ${match[1]} ${match[2]} ${match[3]}` : value;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** A local wall-clock time with the zone's offset that applies then: "2026-03-29T00:00:00+01:00". */
function localIso(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** A "YYYY-MM-DD" day (as the date pickers and the URL keep it) at the given local time. */
function localDay(day: string, hours: number, minutes: number, seconds: number): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`not a calendar day: ${day}`);
  return new Date(
    Number(match[1]),
    Number(match[2]) - 1,
    Number(match[3]),
    hours,
    minutes,
    seconds,
  );
}

/**
 * Start of the chosen local day, as the ISO string with offset the API expects. Plain `Date`
 * instead of dayjs, which then loads only with the date pickers (issue 11: first load).
 */
export function startOfDayIso(day: string): string {
  return localIso(localDay(day, 0, 0, 0));
}

/** The last second of the chosen local day, with the offset that applies then. */
export function endOfDayIso(day: string): string {
  return localIso(localDay(day, 23, 59, 59));
}

/**
 * i18next's formatter for every `{{value}}` in a translation: numbers are grouped the
 * Norwegian way ("{{count}} leads" → "1 587 leads"), except ids ("lead {{id}}"), which are
 * names and stay as typed. Installed in lib/i18n.ts with `alwaysFormat`.
 */
export const interpolationFormatter = {
  type: 'formatter' as const,
  init() {},
  add() {},
  addCached() {},
  format(value: unknown, _format: string | undefined, lng: string | undefined, options?: object) {
    const key = (options as { interpolationkey?: unknown } | undefined)?.interpolationkey;
    if (typeof value !== 'number' || (typeof key === 'string' && /(^id|Id)$/.test(key)))
      return value;
    return formatNumberIn(value, formatLanguage(lng));
  },
};
