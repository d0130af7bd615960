/**
 * Worker thread: checks the access log on its own read-only connection, so a full check of
 * millions of entries never blocks the thread that answers requests.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '@mg/db';
import type { AnchorConfig } from '../lib/audit-anchors';
import { type AuditCheckMode, checkAuditLog } from '../lib/audit-check';

const { file, config, mode } = workerData as {
  file: string;
  config: AnchorConfig;
  mode: AuditCheckMode;
};
const handle = openDatabase(file, { readonly: true });
try {
  parentPort?.postMessage({ result: checkAuditLog(handle.db, config, mode) });
} catch (error) {
  parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
} finally {
  handle.close();
}
