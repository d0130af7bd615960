import { BUSINESS_TIME_ZONE } from '@mg/shared';
import { stringify } from 'csv-stringify/sync';

/**
 * A text cell for a CSV download. Cells a spreadsheet would run as a formula (starting with
 * = + - @, a tab or a carriage return) get a leading apostrophe so they stay text.
 */
export function csvText(value: string | null): string {
  if (value === null) return '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * The byte-order mark that starts every CSV download: without it Excel reads the file in the
 * machine's ANSI code page and shows "Ã¸" for "ø".
 */
export const CSV_BOM = '\uFEFF';

/**
 * Records for Norwegian Excel: a semicolon between cells (in nb-NO the comma is the decimal
 * separator, so Excel splits on ";" when the file is opened by a double click) and CRLF
 * between records. Cells holding ";", quotes or line breaks are quoted.
 */
export function excelCsv(records: readonly (readonly (string | number)[])[]): string {
  if (records.length === 0) return '';
  return stringify(records as (string | number)[][], {
    delimiter: ';',
    record_delimiter: '\r\n',
    quoted_match: /[\r\n]/,
  });
}

let parts: Intl.DateTimeFormat | undefined;
/** Oslo's wall clock at an instant, field by field, from Intl (slow: ~5–10 µs a call). */
function osloWallByIntl(at: number) {
  parts ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: BUSINESS_TIME_ZONE,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p: Record<string, string> = {};
  for (const part of parts.formatToParts(new Date(at)))
    if (part.type !== 'literal') p[part.type] = part.value;
  return {
    year: p.year ?? '1970',
    month: p.month ?? '01',
    day: p.day ?? '01',
    hour: p.hour ?? '00',
    minute: p.minute ?? '00',
    second: p.second ?? '00',
  };
}

type Wall = ReturnType<typeof osloWallByIntl>;

/** A wall clock's fields read as if they were UTC: the instant a spreadsheet shows as them. */
function wallAsUtc(w: Wall): number {
  return Date.UTC(
    Number(w.year),
    Number(w.month) - 1,
    Number(w.day),
    Number(w.hour),
    Number(w.minute),
    Number(w.second),
  );
}

const HOUR = 3_600_000;
/** Oslo's offset from UTC (ms) per UTC hour already asked for; emptied when it grows large. */
const offsetByHour = new Map<number, number>();
const OFFSET_CACHE_MAX = 100_000;

/**
 * Oslo's offset from UTC during the UTC hour that holds `at`: its summer and winter times
 * change on a whole UTC hour (01:00 UTC), so one Intl call per hour serves every instant in it.
 */
function osloOffset(at: number): number {
  const hour = Math.floor(at / HOUR);
  const known = offsetByHour.get(hour);
  if (known !== undefined) return known;
  const start = hour * HOUR;
  const offset = wallAsUtc(osloWallByIntl(start)) - start;
  if (offsetByHour.size >= OFFSET_CACHE_MAX) offsetByHour.clear();
  offsetByHour.set(hour, offset);
  return offset;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Oslo's wall clock at an instant, field by field (the summer and winter offsets applied): the
 * instant moved by the hour's offset (`osloOffset`), read by its UTC fields. A lead export
 * writes two or three of these a row, on the request thread (issue 10).
 */
function osloWall(at: number) {
  const d = new Date(at + osloOffset(at));
  return {
    year: String(d.getUTCFullYear()).padStart(4, '0'),
    month: two(d.getUTCMonth() + 1),
    day: two(d.getUTCDate()),
    hour: two(d.getUTCHours()),
    minute: two(d.getUTCMinutes()),
    second: two(d.getUTCSeconds()),
  };
}

/** The Intl path, for the test that holds the cached offsets to it. */
export const osloWallForTest = { cached: osloWall, intl: osloWallByIntl };

/** "dd.mm.yyyy HH:mm" in Europe/Oslo: what a Norwegian Excel reads as a date and time. */
export function osloDateTime(at: number): string {
  const w = osloWall(at);
  return `${w.day}.${w.month}.${w.year} ${w.hour}:${w.minute}`;
}

/**
 * A spreadsheet date cell has no time zone: Excel shows the fields as they are stored. The
 * Date returned carries Oslo's wall clock in its UTC fields, so the cell reads as the time in
 * Oslo (exceljs writes a Date by its UTC fields).
 */
export function osloWallClockDate(at: number): Date {
  return new Date(wallAsUtc(osloWall(at)));
}

/** The number format for date-time cells in .xlsx files: the Norwegian order. */
export const XLSX_DATE_TIME_FORMAT = 'dd.mm.yyyy hh:mm';
