import { chmodSync, closeSync, fdatasyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';

/**
 * How much of the copy may sit in the page cache unwritten: after every step of this many
 * bytes the copy waits until the step is on disk (decision 054).
 *
 * The copy of a 1M-lead database is ~2.4 GB. Written in one go, it left gigabytes of dirty
 * pages that the kernel wrote back from ~30 s later; while it did, a commit on the request
 * thread (a plain WAL append, no fsync) waited 2.6–3.8 s in the kernel (measured on this
 * machine's disk with a 2 GB copy beside a commit loop). Synced every 8 or 32 MB, the longest
 * commit was 114–146 ms, and the copy took no longer (8–11 s against 7 s plus the write-back).
 */
export const BACKUP_STEP_BYTES = 8 * 1024 * 1024;

/**
 * Copy the database at `source` into `file` with SQLite's online backup API, on a read-only
 * connection of its own: a consistent snapshot while the app keeps writing. Written to a
 * temporary file (mode 0600: it holds personal data) and renamed into place, so `file` is
 * never a half-written backup.
 *
 * The copy goes in steps of `stepBytes`, each synced before the next, all inside one read
 * transaction of this connection: the backup API reuses an open read transaction for every
 * step instead of starting its own per step, so the steps see one snapshot and no write by
 * the app (another connection) restarts the copy. The WAL cannot be checkpointed past that
 * snapshot meanwhile; it grows by what the app writes during the copy and is caught up after.
 *
 * Synchronous work on the calling thread: the server runs it in a worker (apps/api
 * jobs/backup-worker.ts), the CLI on its own thread.
 */
export async function copyDatabase(
  source: string,
  file: string,
  {
    stepBytes = BACKUP_STEP_BYTES,
    sync = fdatasyncSync,
  }: {
    stepBytes?: number;
    /** Waits until what was written to the file `fd` is on disk (tests count the calls). */
    sync?: (fd: number) => void;
  } = {},
): Promise<{ pages: number; steps: number; threadId: number }> {
  const target = resolve(file);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  rmSync(temp, { force: true });
  const fd = openSync(temp, 'wx', 0o600);
  let sqlite: Database.Database | undefined;
  let steps = 0;
  try {
    sqlite = new Database(source, { readonly: true, fileMustExist: true });
    const pageSize = sqlite.pragma('page_size', { simple: true }) as number;
    const pagesPerStep = Math.max(1, Math.floor(stepBytes / pageSize));
    // The snapshot every step copies from (see above).
    sqlite.exec('BEGIN');
    sqlite.prepare('select count(*) from sqlite_schema').get();
    const result = await sqlite.backup(temp, {
      progress: () => {
        // What the last step wrote goes to disk before the next is written.
        sync(fd);
        steps++;
        return pagesPerStep;
      },
    });
    sqlite.exec('COMMIT');
    sync(fd);
    chmodSync(temp, 0o600);
    renameSync(temp, target);
    return { pages: result.totalPages, steps, threadId };
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    closeSync(fd);
    sqlite?.close();
  }
}
