import { AUDIT_EXPORT_MAX_ROWS } from '@mg/shared';
import type { Conn } from '../client';
import { listAccessLog } from './audit';
import type { AuditSummaryFilter } from './audit-summary';

/** The most entries one access-log download holds (newest first). */
export const AUDIT_EXPORT_MAX = AUDIT_EXPORT_MAX_ROWS;

export type AccessLogExportRow = ReturnType<typeof listAccessLog>['items'][number];

/**
 * The entries of an access-log download, newest first, a keyset chunk at a time: exactly the
 * list's filter, only entries older than `beforeId` (the download's own entry, so the file is
 * the log as it was when it was asked for), and at most `max` of them.
 */
export function* iterateAccessLogForExport(
  conn: Conn,
  {
    filter,
    beforeId,
    chunkSize = 1000,
    max = AUDIT_EXPORT_MAX,
  }: { filter: AuditSummaryFilter; beforeId: number; chunkSize?: number; max?: number },
): Generator<AccessLogExportRow[]> {
  let cursor = beforeId;
  let sent = 0;
  for (;;) {
    const limit = Math.min(chunkSize, max - sent);
    if (limit <= 0) return;
    const page = listAccessLog(conn, { ...filter, cursor, limit });
    if (page.items.length > 0) yield page.items;
    sent += page.items.length;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}
