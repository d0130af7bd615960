import { BUSINESS_TIME_ZONE } from './dates';

/**
 * The one home of number and date formats, used by the web app, the server-rendered public
 * pages and the mails, so "1 587 leads" and "1. des. 2026" read the same everywhere.
 * Norwegian (nb-NO) by default; English screens get en-GB (day before month, 24-hour clock).
 * Times are always shown on Oslo's clock, whatever the zone of the machine or browser.
 */
export type FormatLanguage = 'nb' | 'en';

const LOCALE: Record<FormatLanguage, string> = { nb: 'nb-NO', en: 'en-GB' };

/** Anything that is not 'en' (an unknown or missing language) is Norwegian. */
export function formatLanguage(value: string | null | undefined): FormatLanguage {
  return value?.toLowerCase().startsWith('en') ? 'en' : 'nb';
}

// Intl formatters are costly to build and cheap to reuse: one per language and style.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => T,
): T {
  let value = cache.get(key);
  if (!value) {
    value = make();
    cache.set(key, value);
  }
  return value as T;
}

const numbers = (lang: FormatLanguage) =>
  cached(`n:${lang}`, () => new Intl.NumberFormat(LOCALE[lang]));

/**
 * "1 587" (nb, grouped with a no-break space so it never wraps) / "1,587" (en). Counts and
 * amounts only: ids such as "lead 3001" are names, not quantities, and stay ungrouped.
 */
export function formatNumber(value: number, lang: FormatLanguage = 'nb'): string {
  return numbers(lang).format(value);
}

/** A share 0..1 as "12,3 %" (nb) / "12.3%" (en). */
export function formatPercent(value: number, lang: FormatLanguage = 'nb'): string {
  return cached(
    `p:${lang}`,
    () => new Intl.NumberFormat(LOCALE[lang], { style: 'percent', maximumFractionDigits: 1 }),
  ).format(value);
}

type Instant = number | null | undefined;

const dateFormat = (lang: FormatLanguage, timeZone: string) =>
  cached(
    `d:${lang}:${timeZone}`,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], {
        timeZone,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
      }),
  );
const timeFormat = (lang: FormatLanguage) =>
  cached(
    `t:${lang}`,
    () =>
      new Intl.DateTimeFormat(LOCALE[lang], {
        timeZone: BUSINESS_TIME_ZONE,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );

/** "1. des. 2026" / "1 Dec 2026": the Oslo calendar day of an instant (epoch ms). */
export function formatDate(value: Instant, lang: FormatLanguage = 'nb'): string {
  return value == null ? '' : dateFormat(lang, BUSINESS_TIME_ZONE).format(value);
}

/**
 * "1. des. 2026 kl. 14:05" / "1 Dec 2026, 14:05" on Oslo's clock. Joined by hand rather
 * than by Intl's dateStyle+timeStyle, whose joiner differs between ICU versions (Node and the
 * browser would then disagree).
 */
export function formatDateTime(value: Instant, lang: FormatLanguage = 'nb'): string {
  if (value == null) return '';
  const joiner = lang === 'en' ? ', ' : ' kl. ';
  return `${formatDate(value, lang)}${joiner}${formatTime(value, lang)}`;
}

/** "14:05" on Oslo's clock. */
export function formatTime(value: Instant, lang: FormatLanguage = 'nb'): string {
  return value == null ? '' : timeFormat(lang).format(value);
}

/**
 * A plain calendar day ("2024-06-17", as policies and filters store it) as "17. juni 2024".
 * It is a day, not an instant: formatted in UTC so no zone can move it to the day before.
 */
export function formatDay(value: string | null | undefined, lang: FormatLanguage = 'nb'): string {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) return value ?? '';
  const at = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return dateFormat(lang, 'UTC').format(at);
}

/**
 * A policy version's label as a consumer reads it: labels are often the day they were written
 * ("2024-06-17"), which a person should see as "17. juni 2024"; any other label is kept.
 */
export function formatVersionLabel(label: string, lang: FormatLanguage = 'nb'): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(label) ? formatDay(label, lang) : label;
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "for 3 timer siden" / "3 hours ago"; under a minute is "nå" / "now". */
export function formatRelative(
  value: Instant,
  lang: FormatLanguage = 'nb',
  now = Date.now(),
): string {
  if (value == null) return '';
  const diff = value - now;
  const relative = cached(
    `r:${lang}`,
    () => new Intl.RelativeTimeFormat(LOCALE[lang], { numeric: 'auto' }),
  );
  for (const [unit, ms] of RELATIVE_STEPS)
    if (Math.abs(diff) >= ms) return relative.format(Math.trunc(diff / ms), unit);
  return relative.format(0, 'second');
}
