import dayjs from 'dayjs';

/**
 * Typed dates: 31.01.2026, 31.1.2026 (Norwegian) or 2026-01-31, as an ISO day. Anything else
 * is no date (the schema then says so), never a guess.
 */
export function parseTypedDate(value: string): string | null {
  const text = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const nb = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  const [y, m, d] = iso
    ? [iso[1], iso[2], iso[3]]
    : nb
      ? [nb[3], nb[2]?.padStart(2, '0'), nb[1]?.padStart(2, '0')]
      : [];
  if (!y || !m || !d) return null;
  const date = `${y}-${m}-${d}`;
  // Round trip, so 31.02.2026 is refused rather than rolled over into March.
  return dayjs(date).format('YYYY-MM-DD') === date ? date : null;
}
