/**
 * Calendar dates in filters and the dashboard are Norwegian days: a lead sent at 00:30 in
 * Oslo belongs to that day, even though it is still the day before in UTC. Dates travel as
 * ISO strings (YYYY-MM-DD); times are epoch milliseconds.
 */
export const BUSINESS_TIME_ZONE = 'Europe/Oslo';
export const DAY_MS = 86_400_000;

let formatter: Intl.DateTimeFormat | undefined;
function osloParts(at: number) {
  formatter ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: BUSINESS_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, number> = {};
  for (const p of formatter.formatToParts(new Date(at)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** How far Oslo's wall clock is ahead of UTC at this instant (1 h in winter, 2 h in summer). */
function osloOffsetMs(at: number): number {
  const p = osloParts(at);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (at - (((at % 1000) + 1000) % 1000));
}

function parseIsoDate(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y ?? 1970, (m ?? 1) - 1, d ?? 1];
}

/** The instant a calendar day starts in Oslo. DST switches at 01:00 UTC, never at midnight. */
export function osloDayStart(date: string): number {
  const utcMidnight = Date.UTC(...parseIsoDate(date));
  const first = utcMidnight - osloOffsetMs(utcMidnight);
  return utcMidnight - osloOffsetMs(first);
}

/** The Oslo calendar day an instant falls on. */
export function osloDate(at = Date.now()): string {
  const p = osloParts(at);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Pure calendar arithmetic on an ISO date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = parseIsoDate(date);
  return new Date(Date.UTC(y, m, d + days)).toISOString().slice(0, 10);
}

/** The Monday of the ISO week a date is in. */
export function weekStart(date: string): string {
  const [y, m, d] = parseIsoDate(date);
  const weekday = (new Date(Date.UTC(y, m, d)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(date, -weekday);
}

/** Whole days from one ISO date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.UTC(...parseIsoDate(to)) - Date.UTC(...parseIsoDate(from))) / DAY_MS);
}
