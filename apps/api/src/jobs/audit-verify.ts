import { Worker } from 'node:worker_threads';
import type { Db } from '@mg/db';
// Not @mg/db's index: the CLI's verify-audit loads this without drizzle (see cli-verify.ts).
import {
  GENESIS_HASH,
  mergeRanges,
  type RangeCheck,
  type RangeInput,
  type RawClient,
  readChainHead,
  readEntryHash,
  strayTargetRows,
  verifyRangeInFile,
} from '@mg/db/audit-verify';
import { openReadOnly } from '@mg/db/read-only';
import type { Env } from '../env';
import type { AnchorConfig } from '../lib/audit-anchors';
import { anchorConfigFor } from '../lib/audit-anchors';
import {
  type AuditCheck,
  type AuditCheckMode,
  type AuditTrail,
  checkAuditLog,
  judgeWalk,
  planCheck,
} from '../lib/audit-check';
import { databaseFile, startWorkerBeside } from '../lib/worker-thread';
import { defaultVerifyThreads, MIN_RANGE, type VerifyWorkerPool } from './audit-verify-pool';
import { threadCpuMs } from './thread-cpu';

/** A thread for this range: one started earlier (`pool`) and told its range, or a new one. */
function startWorker(
  workerData: { file: string; input: RangeInput },
  bundled?: URL,
  pool?: VerifyWorkerPool,
): Worker {
  const waiting = pool?.take();
  if (waiting) {
    waiting.postMessage(workerData);
    return waiting;
  }
  if (bundled) return new Worker(bundled, { workerData });
  return startWorkerBeside(import.meta.url, 'audit-verify-worker', workerData);
}

/** How a check is split over worker threads. */
export interface ParallelOptions {
  /** Threads at most (default: the cores Node may use, at most 8). */
  workers?: number;
  /** Entries per thread at least (default 50,000): a thread costs ~30 ms to start. */
  minRange?: number;
  /**
   * The bundled worker (dist/audit-verify-worker.js) to start even when running from source:
   * the benchmark measures what the CLI runs, not tsx compiling @mg/db in every thread.
   */
  bundledWorker?: URL;
  /**
   * Told each range's answer and its thread's CPU time in ms (null where the system does
   * not say): the benchmark's per-thread figure.
   */
  onRange?: (range: RangeCheck, threadCpuMs: number | null) => void;
  /**
   * Threads started before the check (the CLI's, see audit-verify-pool.ts), taken one per
   * range before any new one is started. The caller closes it.
   */
  pool?: VerifyWorkerPool;
  /**
   * Check the last range on the calling thread instead of starting one more worker (the
   * CLI's: its thread has nothing else to do meanwhile, and a thread costs ~100 ms of CPU to
   * start and load the check; decision 048). The API leaves it off: its thread answers
   * requests.
   */
  inThisThread?: boolean;
}

/**
 * Check the access log in worker threads (the calling thread stays free): the entries from
 * the start (full) or the newest anchor (incremental) to the head are split into consecutive
 * ranges, one per thread, each checked on its own read-only connection (see checkRange in
 * @mg/db); this thread only reads the head and the anchors and joins the answers, which name
 * the same first broken entry a single walk would.
 */
export async function checkAuditLogOffThread(
  db: Db,
  config: AnchorConfig,
  mode: AuditCheckMode,
  options: ParallelOptions = {},
): Promise<AuditCheck> {
  const file = databaseFile(db);
  // An in-memory database cannot be opened from another thread.
  if (!file) return checkAuditLog(db, config, mode);
  return checkAuditLogFile(file, config, mode, options);
}

/** The same check on a database file (what the CLI runs). */
export async function checkAuditLogFile(
  file: string,
  config: AnchorConfig,
  mode: AuditCheckMode,
  options: ParallelOptions = {},
): Promise<AuditCheck> {
  const plan = planCheck(config, mode);
  const sqlite = openReadOnly(file);
  // One snapshot on this connection for the head and the rows after it: entries appended
  // meanwhile are not taken for rows added after the head. The workers' snapshots are newer,
  // which changes nothing up to the head (entries and their rows commit together).
  sqlite.prepare('begin').run();
  try {
    const head = readChainHead(sqlite);
    const fromId = (plan.from?.id ?? 0) + 1;
    const toId = head?.id ?? 0;
    const inputs = splitRanges(sqlite, plan.from?.hash ?? GENESIS_HASH, fromId, toId, options);
    const worker = {
      bundled: options.bundledWorker,
      onRange: options.onRange,
      pool: options.pool,
    };
    // The workers' ranges are handed out first; the last one, if this thread takes it, is
    // checked meanwhile (synchronously: the workers' answers wait in the event loop).
    const here = options.inThisThread ? inputs.length - 1 : -1;
    const started = inputs.map((input, k) =>
      k === here ? null : checkRangeInWorker(file, input, worker),
    );
    const last = inputs[here];
    const ranges = await Promise.all(
      started.map(
        (range) =>
          // In a promise, so that a failure here rejects like a worker's (Promise.all then
          // handles every worker's answer too).
          range ??
          new Promise<RangeCheck>((resolve) =>
            resolve(checkRangeHere(file, last as RangeInput, options.onRange)),
          ),
      ),
    );
    // A range that did not start at the row where the one before ended (only on a tampered
    // table, where the binary search for its first row can land anywhere) is checked again
    // from that row, in order, up to the first range that is broken.
    for (let k = 1; k < ranges.length; k++) {
      const before = ranges[k - 1];
      const range = ranges[k];
      if (!before || !range) break;
      if (before.targetsBroken !== null || before.chainBroken !== null) break;
      if (range.startRowid !== before.endRowid) {
        const input = inputs[k];
        if (!input) break;
        ranges[k] = await checkRangeInWorker(
          file,
          { ...input, startRowid: before.endRowid },
          worker,
        );
      }
    }
    const walk = mergeRanges({ fromId, toId, head }, ranges, strayTargetRows(sqlite));
    return judgeWalk((id) => readEntryHash(sqlite, id), plan, walk);
  } finally {
    sqlite.prepare('rollback').run();
    sqlite.close();
  }
}

/** Consecutive ranges fromId..toId, each starting after the stored hash of the entry before. */
function splitRanges(
  client: RawClient,
  startHash: string,
  fromId: number,
  toId: number,
  options: ParallelOptions,
): RangeInput[] {
  const entries = Math.max(0, toId - fromId + 1);
  const workers = Math.max(
    1,
    Math.min(
      options.workers ?? defaultVerifyThreads(),
      Math.ceil(entries / (options.minRange ?? MIN_RANGE)),
    ),
  );
  const size = Math.ceil(entries / workers) || 1;
  const inputs: RangeInput[] = [];
  for (let a = fromId; a <= toId || inputs.length === 0; a += size) {
    const b = Math.min(a + size - 1, toId);
    // A missing entry before the range breaks the range before it first, so any start hash
    // does here.
    const hash = a === fromId ? startHash : (readEntryHash(client, a - 1)?.hash ?? GENESIS_HASH);
    inputs.push({ fromId: a, toId: b, startHash: hash, startRowid: a === 1 ? 0 : null });
    if (b >= toId) break;
  }
  return inputs;
}

/** One range on the calling thread, with its CPU time as a worker reports it. */
function checkRangeHere(
  file: string,
  input: RangeInput,
  onRange: ParallelOptions['onRange'],
): RangeCheck {
  const before = threadCpuMs();
  const range = verifyRangeInFile(file, input);
  const after = threadCpuMs();
  onRange?.(range, before !== null && after !== null ? after - before : null);
  return range;
}

function checkRangeInWorker(
  file: string,
  input: RangeInput,
  options: Pick<ParallelOptions, 'onRange'> & {
    bundled?: URL | undefined;
    pool?: VerifyWorkerPool | undefined;
  },
): Promise<RangeCheck> {
  return new Promise((resolvePromise, reject) => {
    const worker = startWorker({ file, input }, options.bundled, options.pool);
    let settled = false;
    worker.once(
      'message',
      (message: { result?: RangeCheck; cpuMs?: number | null; error?: string }) => {
        settled = true;
        if (message.result) {
          options.onRange?.(message.result, message.cpuMs ?? null);
          resolvePromise(message.result);
        } else reject(new Error(`access-log check failed: ${message.error ?? 'unknown'}`));
      },
    );
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`access-log check worker exited with code ${code}`));
    });
  });
}

const running = new WeakMap<Db, Map<AuditCheckMode, Promise<AuditCheck>>>();

/**
 * The API's audit trail: anchors from configuration, checks in a worker thread. A check asked
 * for while the same kind is running shares its answer, so repeated clicks start one worker.
 */
export function workerAuditTrail(db: Db, env: Env): AuditTrail {
  return {
    anchors: () => anchorConfigFor(env),
    check: (mode) => {
      let byMode = running.get(db);
      if (!byMode) {
        byMode = new Map();
        running.set(db, byMode);
      }
      const inFlight = byMode.get(mode);
      if (inFlight) return inFlight;
      const started = checkAuditLogOffThread(db, anchorConfigFor(env), mode).finally(() =>
        byMode.delete(mode),
      );
      byMode.set(mode, started);
      return started;
    },
  };
}
