/**
 * Worker thread: checks one stretch of the access log (ids, links, hashes, target rows) on
 * its own read-only connection, so a full check of millions of entries never blocks the
 * thread that answers requests, and several stretches run on several cores at once.
 *
 * It loads only the check (@mg/db/audit-verify: better-sqlite3 and node:crypto; no drizzle,
 * no schema, no app): loading @mg/db's index cost each thread ~0.4 s of CPU before it read
 * a row.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type RangeInput, verifyRangeInFile } from '@mg/db/audit-verify';

/**
 * This thread's CPU time in ms (Linux: utime + stime of /proc/thread-self/stat, in clock
 * ticks of 10 ms), or null elsewhere. process.cpuUsage() counts every thread of the process,
 * and Node 20 has no per-thread figure: on a machine shared with other work, CPU time per
 * entry of one thread is the figure that load does not distort.
 */
function threadCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields 14 and 15 of proc(5), counted here from the state (field 3), after the name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

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
