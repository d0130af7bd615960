import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { type DashboardSummary, type Db, suppressionKeyOf } from '@mg/db';
import { inThreadReads, type SearchPage, type SlowReads } from '../lib/slow-reads';
import { databaseFile, startWorkerBeside } from '../lib/worker-thread';
import type { ReadJob, ReadReply } from './read-jobs';

// ---------------------------------------------------------------- the pool

function startWorker(workerData: unknown): Worker {
  return startWorkerBeside(import.meta.url, 'read-worker', workerData);
}

interface Task {
  job: ReadJob;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * Up to `size` long-lived workers on one database file, started on first use; each runs one
 * job at a time, the rest wait in order (grid pages first). An idle worker does not keep the process alive.
 */
export class ReadWorkerPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private seq = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly suppressionKey: Uint8Array | null,
    private readonly size = Math.max(1, Math.min(2, availableParallelism())),
  ) {}

  run(job: ReadJob): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the read workers are shut down'));
    return new Promise((resolve, reject) => {
      const task = { job, resolve, reject };
      // A grid page (a few ms; a user waits on it) goes ahead of the waiting counts and
      // dashboards (an audience count: ~0.8 s), behind the pages already waiting.
      const behind =
        job.kind === 'leadPage' ? this.queue.findIndex((t) => t.job.kind !== 'leadPage') : -1;
      if (behind >= 0) this.queue.splice(behind, 0, task);
      else this.queue.push(task);
      this.pump();
    });
  }

  /** Workers started so far (tests: the pool is reused, not restarted per job). */
  get started(): number {
    return this.workers.size;
  }

  private pump() {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.workers.size < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const task = this.queue.shift();
      if (!task) {
        this.idle.push(worker);
        return;
      }
      this.busy.set(worker, task);
      // Busy, the worker keeps the process alive until it answers.
      worker.ref();
      worker.postMessage({ id: ++this.seq, job: task.job });
    }
  }

  private spawn(): Worker {
    const worker = startWorker({ file: this.file, suppressionKey: this.suppressionKey });
    worker.unref();
    this.workers.add(worker);
    worker.on('message', (reply: ReadReply) => {
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if (task) {
        if (reply.error !== undefined) task.reject(new Error(`read worker: ${reply.error}`));
        else task.resolve(reply.result);
      }
      this.pump();
    });
    // A worker that fails or exits takes its job with it; the next job starts a new one.
    const lost = (error: Error) => {
      if (!this.workers.delete(worker)) return;
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      const task = this.busy.get(worker);
      this.busy.delete(worker);
      task?.reject(error);
      if (!this.closed) this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`read worker exited with code ${code}`)));
    return worker;
  }

  /** Refuse new jobs, fail the waiting ones, stop the workers (jobs running are cut). */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.reject(new Error('the read workers are shut down'));
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }
}

/** The reads through a pool; concurrent audience counts of the same scope share one job. */
export function workerReads(pool: ReadWorkerPool): SlowReads {
  const counting = new Map<string, Promise<number>>();
  return {
    audienceCount(args) {
      const key = JSON.stringify([args.scope, args.purpose]);
      const inFlight = counting.get(key);
      if (inFlight) return inFlight;
      const started = (pool.run({ kind: 'audienceCount', args }) as Promise<number>).finally(() =>
        counting.delete(key),
      );
      counting.set(key, started);
      return started;
    },
    // Moved from the worker (its buffer transferred): used as it comes, never copied here.
    audienceIds: (args) => pool.run({ kind: 'audienceIds', args }) as Promise<Float64Array>,
    dashboard: (params) =>
      pool.run({ kind: 'dashboard', args: params }) as Promise<DashboardSummary>,
    leadCount: (args) =>
      pool.run({ kind: 'leadCount', args }) as Promise<{ count: number; capped: boolean }>,
    leadPage: (args) => pool.run({ kind: 'leadPage', args }) as Promise<SearchPage>,
  };
}

// ---------------------------------------------------------------- per database

const pools = new WeakMap<Db, { pool: ReadWorkerPool; reads: SlowReads }>();
const open = new Map<ReadWorkerPool, Db>();

/**
 * The API's slow reads for a database: a worker pool on its file (made on first use, one per
 * database), or the calling thread for an in-memory database.
 */
export function readsFor(db: Db): SlowReads {
  const known = pools.get(db);
  if (known) return known.reads;
  const file = databaseFile(db);
  if (!file) return inThreadReads(db);
  const pool = new ReadWorkerPool(file, suppressionKeyOf(db));
  const entry = { pool, reads: workerReads(pool) };
  pools.set(db, entry);
  open.set(pool, db);
  return entry.reads;
}

/** Stop every pool readsFor started (graceful shutdown, test teardown). */
export async function closeReadWorkers(): Promise<void> {
  const all = [...open];
  open.clear();
  // A later read on the same database starts a new pool.
  for (const [, db] of all) pools.delete(db);
  await Promise.all(all.map(([pool]) => pool.close()));
}
