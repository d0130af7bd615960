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
/** Oslo's wall clock at an instant, field by field (the summer and winter offsets applied). */
function osloWall(at: number) {
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
  const w = osloWall(at);
  return new Date(
    Date.UTC(
      Number(w.year),
      Number(w.month) - 1,
      Number(w.day),
      Number(w.hour),
      Number(w.minute),
      Number(w.second),
    ),
  );
}

/** The number format for date-time cells in .xlsx files: the Norwegian order. */
export const XLSX_DATE_TIME_FORMAT = 'dd.mm.yyyy hh:mm';
