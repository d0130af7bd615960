import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  CSV_BOM,
  csvText,
  excelCsv,
  osloDateTime,
  osloWallClockDate,
  XLSX_DATE_TIME_FORMAT,
} from './csv';

/**
 * One cell of a download, typed so each format writes it its own way:
 * - a number: a number cell;
 * - a string: a label we wrote (status, Ja/Nei, a phone in E.164): written as it is;
 * - `{ text }`: text somebody typed (a name, an e-mail): kept from running as a formula in
 *   CSV; in .xlsx it is a string cell, which Excel never evaluates;
 * - `{ at }`: an instant: Oslo's "dd.mm.yyyy HH:mm" in CSV, a date cell in .xlsx.
 */
export type SheetCell = number | string | { text: string | null } | { at: number | null };
export type SheetRow = readonly SheetCell[];

export const SHEET_FORMATS = ['csv', 'xlsx'] as const;
export type SheetFormat = (typeof SHEET_FORMATS)[number];

export const SHEET_CONTENT_TYPE: Record<SheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * What a download does as it goes: `next` gives the next chunk of rows (null when there are
 * no more), read only when the client has taken the previous one; exactly one of `done`,
 * `failed` or `aborted` is called at the end.
 */
export interface SheetSource {
  headers: readonly string[];
  next: () => readonly SheetRow[] | null;
  done: () => void;
  failed: (error: unknown) => void;
  aborted: () => void;
}

function csvCell(cell: SheetCell): string | number {
  if (typeof cell === 'number' || typeof cell === 'string') return cell;
  if ('text' in cell) return csvText(cell.text);
  return cell.at === null ? '' : osloDateTime(cell.at);
}

function xlsxCell(cell: SheetCell): string | number | Date | null {
  if (typeof cell === 'number' || typeof cell === 'string') return cell;
  if ('text' in cell) return cell.text;
  return cell.at === null ? null : osloWallClockDate(cell.at);
}

/** Settles the source once: a stream can both fail and be cancelled. */
function once(source: SheetSource): SheetSource {
  let settled = false;
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      if (settled) return;
      settled = true;
      fn(...args);
    };
  return {
    ...source,
    done: guard(source.done),
    failed: guard(source.failed),
    aborted: guard(source.aborted),
  };
}

/** CSV for Norwegian Excel (BOM, ";", CRLF), pulled a chunk at a time. */
export function csvStream(input: SheetSource): ReadableStream<Uint8Array> {
  const source = once(input);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(CSV_BOM + excelCsv([source.headers])));
      },
      pull(controller) {
        try {
          const rows = source.next();
          if (rows === null) {
            source.done();
            controller.close();
            return;
          }
          controller.enqueue(encoder.encode(excelCsv(rows.map((row) => row.map(csvCell)))));
        } catch (error) {
          source.failed(error);
          controller.error(error);
        }
      },
      cancel() {
        source.aborted();
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * An .xlsx workbook with one sheet, written by exceljs's streaming writer: each chunk of rows
 * is committed (written out and dropped) and the next is read only once the client has taken
 * what was written, so a large export is never held whole. Dates are date cells.
 */
export function xlsxStream(input: SheetSource, sheetName: string): ReadableStream<Uint8Array> {
  const source = once(input);
  const out = new PassThrough();
  let closed = false;
  out.once('close', () => {
    closed = true;
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = source.headers.map((header) => ({
    header,
    width: Math.min(40, Math.max(10, header.length + 2)),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();

  /** Until the client has read what is buffered (or gone away). */
  const taken = () =>
    new Promise<void>((resolve) => {
      if (closed || (!out.writableNeedDrain && out.readableLength < out.readableHighWaterMark))
        return setImmediate(resolve);
      const settle = () => {
        out.off('drain', settle);
        out.off('close', settle);
        resolve();
      };
      out.on('drain', settle);
      out.on('close', settle);
    });

  const write = async () => {
    for (;;) {
      await taken();
      if (closed) return source.aborted();
      const rows = source.next();
      if (rows === null) break;
      for (const cells of rows) {
        const row = sheet.addRow(cells.map(xlsxCell));
        cells.forEach((cell, i) => {
          if (typeof cell === 'object' && 'at' in cell)
            row.getCell(i + 1).numFmt = XLSX_DATE_TIME_FORMAT;
        });
        row.commit();
      }
    }
    sheet.commit();
    await workbook.commit();
    source.done();
  };
  write().catch((error: unknown) => {
    source.failed(error);
    out.destroy(error instanceof Error ? error : new Error('xlsx export failed'));
  });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

export function sheetStream(
  format: SheetFormat,
  source: SheetSource,
  sheetName: string,
): ReadableStream<Uint8Array> {
  return format === 'xlsx' ? xlsxStream(source, sheetName) : csvStream(source);
}
