/**
 * Worker thread: checks one stretch of the access log (ids, links, hashes, target rows) on
 * its own read-only connection, so a full check of millions of entries never blocks the
 * thread that answers requests, and several stretches run on several cores at once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type RangeInput, verifyAccessLogRange } from '@mg/db';

const { file, input } = workerData as { file: string; input: RangeInput };
const handle = openDatabase(file, { readonly: true });
try {
  parentPort?.postMessage({ result: verifyAccessLogRange(handle.db, input) });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  handle.close();
}
