/**
 * Worker thread: the daily backup's copy (@mg/db/backup-copy), so that copying gigabytes and
 * waiting for them to reach the disk never holds up the thread that answers requests (decision
 * 054). It loads only the copy (better-sqlite3), not the app.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { copyDatabase } from '@mg/db/backup-copy';

const { source, file, options } = workerData as {
  source: string;
  file: string;
  /** The step size (bench/backup compares it); the default otherwise. */
  options?: { stepBytes?: number };
};
copyDatabase(source, file, options).then(
  (result) => parentPort?.postMessage({ result }),
  (error: unknown) =>
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
);
