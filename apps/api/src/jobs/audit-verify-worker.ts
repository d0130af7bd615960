/**
 * Worker thread: checks one stretch of the access log (ids, links, hashes, target rows) on
 * its own read-only connection, so a full check of millions of entries never blocks the
 * thread that answers requests, and several stretches run on several cores at once.
 *
 * It loads only the check (@mg/db/audit-verify: better-sqlite3 and node:crypto; no drizzle,
 * no schema, no app): loading @mg/db's index cost each thread ~0.4 s of CPU before it read
 * a row.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type RangeInput, verifyRangeInFile } from '@mg/db/audit-verify';

const { file, input } = workerData as { file: string; input: RangeInput };
try {
  parentPort?.postMessage({ result: verifyRangeInFile(file, input) });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
