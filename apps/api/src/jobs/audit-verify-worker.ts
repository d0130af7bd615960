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
import { threadCpuMs } from './thread-cpu';

type Job = { file: string; input: RangeInput };

function run({ file, input }: Job) {
  try {
    const before = threadCpuMs();
    const result = verifyRangeInFile(file, input);
    const after = threadCpuMs();
    const cpuMs = before !== null && after !== null ? after - before : null;
    parentPort?.postMessage({ result, cpuMs });
  } catch (error) {
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
}

// Started with its range (the API), or started early and told its range by a message once
// the caller knows it (the CLI starts its threads first, so their start-up overlaps its own:
// see prestartedWorkers in audit-verify.ts).
const job = workerData as Job | null;
if (job) run(job);
else parentPort?.once('message', (message: Job) => run(message));
