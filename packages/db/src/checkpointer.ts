import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { type Database_, WAL_AUTOCHECKPOINT_PAGES } from './client';

/**
 * Pages the request connection lets the WAL grow to before it checkpoints itself, while the
 * checkpointer runs: only reached if the thread falls far behind (≈400 MB).
 */
export const WAL_BACKSTOP_PAGES = 100_000;

/** The longest a caller of `walCatchUp` waits for the thread's answer. */
const CATCH_UP_WAIT_MS = 10_000;

export interface CheckpointResult {
  busy: number;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/** The running checkpointers' "checkpoint now", by database (drizzle's session, as for keys). */
const catchUps = new WeakMap<object, () => Promise<CheckpointResult | null>>();

function sessionOf(conn: object): object {
  return (conn as { session: object }).session;
}

/**
 * Asks the database's checkpointer thread for a checkpoint now and waits for it (on that
 * thread: the caller's event loop stays free). For work that commits many transactions in a
 * row (an export's log parts, a retention run's batches): the thread's checkpoint once a
 * second never catches up with a commit every few milliseconds, so the WAL could not start
 * over and grew until the request connection's backstop checkpointed it on the request
 * thread (~340 ms of CPU at ~400 MB, decision 047). Once a checkpoint has copied every frame,
 * the next commit starts the WAL from its beginning. Resolves null without a checkpointer
 * (tests, in-memory databases).
 */
export function walCatchUp(db: object): Promise<CheckpointResult | null> {
  return catchUps.get(sessionOf(db))?.() ?? Promise.resolve(null);
}

/** Commits of a long series between two waits for a checkpoint (`walPacer`). */
export const COMMITS_PER_WAL_CATCH_UP = 16;

/**
 * The pause between two commits of a long series (an export's log parts, a retention run's
 * batches): a turn of the event loop, and every `every`-th time a wait for a checkpoint
 * (`walCatchUp`), so the WAL starts over instead of growing. At 1M leads: an audience
 * export's WAL 268 → 18 MB, a retention run's longest block ~1 s → ~0.1 s (decisions 046, 047).
 */
export function walPacer(db: object, every = COMMITS_PER_WAL_CATCH_UP): () => Promise<void> {
  let pauses = 0;
  return async () => {
    if (++pauses % every === 0) await walCatchUp(db);
    else await new Promise((next) => setImmediate(next));
  };
}

export interface WalCheckpointer {
  /** Stops the thread (after a checkpoint in progress) and gives the connection back its own. */
  stop(): Promise<void>;
}

/**
 * The thread's code. A plain script (no TypeScript, no imports of ours), so it runs the same
 * from source, in tests and in the bundle; the driver is the one the app itself loaded.
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let stopping = false;
function tick() {
  if (stopping) return;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result && result.log > 0) parentPort.postMessage({ kind: 'checkpoint', result });
  } catch (error) {
    parentPort.postMessage({ kind: 'error', message: String(error && error.message) });
  }
  timer = setTimeout(tick, workerData.intervalMs);
}
let timer = setTimeout(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m && m.kind === 'now') {
    let result = null;
    try {
      [result] = db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      parentPort.postMessage({ kind: 'error', message: String(error && error.message) });
    }
    parentPort.postMessage({ kind: 'now', id: m.id, result: result || null });
    return;
  }
  if (m !== 'stop') return;
  stopping = true;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * WAL checkpoints on a thread of their own. With SQLite's automatic checkpoint, the commit that
 * crosses the threshold copies the WAL into the database file and waits for its fsync on the
 * request thread: at a million leads, every ~150 grid pages (each writes ~70 pages of
 * access log and target index), 160–270 ms with the event loop held (measured, loaded
 * machine). Here a second connection runs `wal_checkpoint(PASSIVE)` every `intervalMs`: it
 * never waits for readers or the writer, and nothing on the request thread waits for it.
 * Durability is unchanged (commits are written as before; a checkpoint syncs the WAL before
 * it copies). The request connection keeps a far backstop, and gets its own automatic
 * checkpoint back if the thread ends for any reason.
 *
 * Returns null for a database without a file (nothing to checkpoint from another connection).
 */
export function startWalCheckpointer(
  handle: Database_,
  options: {
    intervalMs?: number;
    onCheckpoint?: (result: CheckpointResult) => void;
    onError?: (message: string) => void;
  } = {},
): WalCheckpointer | null {
  const file = handle.sqlite.name;
  if (!file || file === ':memory:' || handle.sqlite.memory || handle.sqlite.readonly) return null;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file, intervalMs: options.intervalMs ?? 1000 },
  });
  // Not a reason to keep the process alive.
  worker.unref();
  handle.sqlite.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_PAGES}`);
  const waiting = new Map<number, (result: CheckpointResult | null) => void>();
  let nextId = 0;
  let stopping = false;
  const catchUp = (): Promise<CheckpointResult | null> =>
    new Promise((resolve) => {
      const id = ++nextId;
      // A pause, not a promise of a checkpoint: a thread still busy with a long one (a slow
      // disk) lets the caller go on after CATCH_UP_WAIT_MS.
      const timer = setTimeout(() => answer(id, null), CATCH_UP_WAIT_MS);
      waiting.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      // Held while someone waits for it: an unresolved promise alone keeps no process alive.
      worker.ref();
      worker.postMessage({ kind: 'now', id });
    });
  const answer = (id: number, result: CheckpointResult | null) => {
    waiting.get(id)?.(result);
    waiting.delete(id);
    if (waiting.size === 0 && !stopping) worker.unref();
  };
  catchUps.set(sessionOf(handle.db), catchUp);
  const restore = () => {
    catchUps.delete(sessionOf(handle.db));
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    if (handle.sqlite.open)
      handle.sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on(
    'message',
    (m: { kind: string; id?: number; result?: CheckpointResult | null; message?: string }) => {
      if (m.kind === 'checkpoint' && m.result) options.onCheckpoint?.(m.result);
      else if (m.kind === 'error') options.onError?.(m.message ?? 'checkpoint failed');
      else if (m.kind === 'now' && m.id !== undefined) answer(m.id, m.result ?? null);
    },
  );
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      restore();
      resolve();
    });
  });
  worker.on('error', (error) => options.onError?.(error.message));
  return {
    stop() {
      // Held again while it stops: the thread may be inside a long checkpoint, and a process
      // awaiting this with nothing else to do would otherwise end first (exit code 13).
      stopping = true;
      worker.ref();
      worker.postMessage('stop');
      return exited;
    },
  };
}
