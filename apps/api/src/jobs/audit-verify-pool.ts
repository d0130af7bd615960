/**
 * Access-log check threads started before their ranges are known. A thread takes ~30 ms of
 * wall time and its own CPU to start and load the check (better-sqlite3, the module); the
 * CLI's verify-audit is timed from the process start, so it starts them first and lets that
 * overlap its own start-up (reading the environment, the anchors, the head, the split into
 * ranges). Node's own modules and worker-thread.ts only: this module is loaded first.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorkerBeside } from '../lib/worker-thread';

/** Threads a check uses at most by default: the cores Node may use, at most 8. */
export function defaultVerifyThreads(): number {
  return Math.min(8, availableParallelism());
}

/** Entries per thread at least (checkAuditLogFile's default minRange). */
export const MIN_RANGE = 50_000;
/** Fewer bytes than any access-log entry with its index entries takes in the file. */
const MIN_ENTRY_BYTES = 100;

/**
 * Threads worth starting before the log is opened: as many as a check of this file could
 * use, judged by its size (with its WAL): a file that cannot hold two ranges' entries gets
 * one. The check starts more if it needs them, so a low guess costs time, never an answer.
 */
export function threadsForFile(file: string, max = defaultVerifyThreads()): number {
  const size = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  const bytes = size(file) + size(`${file}-wal`);
  const ranges = Math.ceil(bytes / (MIN_RANGE * MIN_ENTRY_BYTES));
  return Math.max(1, Math.min(max, ranges));
}

/** Started threads waiting for a range (see audit-verify-worker.ts). */
export interface VerifyWorkerPool {
  /** A waiting thread, or undefined when none is left (the caller starts one). */
  take(): Worker | undefined;
  /** Stop the threads nobody took. */
  close(): Promise<void>;
}

/** Start `count` check threads that wait for their range. */
export function prestartVerifyWorkers(count = defaultVerifyThreads()): VerifyWorkerPool {
  const waiting: Worker[] = [];
  for (let k = 0; k < Math.max(0, count); k++) {
    // null workerData: the thread waits for a message with its range.
    const worker = startWorkerBeside(import.meta.url, 'audit-verify-worker', null);
    // A thread that failed or ended before it was taken is not handed out (its range would
    // wait for an answer that never comes); the check starts a new one instead.
    const drop = () => {
      const at = waiting.indexOf(worker);
      if (at !== -1) waiting.splice(at, 1);
    };
    worker.on('error', drop);
    worker.once('exit', drop);
    waiting.push(worker);
  }
  return {
    take: () => waiting.shift(),
    close: async () => {
      const left = waiting.splice(0);
      await Promise.all(left.map((w) => w.terminate()));
    },
  };
}
