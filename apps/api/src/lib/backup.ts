import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type Database_, migrateDatabase, openDatabase, verifyAccessLog } from '@mg/db';
import { copyDatabase } from '@mg/db/backup-copy';

/** The file under a connection (the backup opens its own connection to it). */
export function fileOf(sqlite: Database_['sqlite']): string {
  if (sqlite.memory) throw new Error('an in-memory database has no file to back up');
  return sqlite.name;
}

/**
 * Copy a live database into `file` on this thread (the CLI): a consistent snapshot while the
 * app keeps writing, synced to disk step by step (@mg/db/backup-copy, decision 054).
 */
export async function backupDatabase(
  sqlite: Database_['sqlite'],
  file: string,
): Promise<{ pages: number }> {
  const { pages } = await copyDatabase(fileOf(sqlite), file);
  return { pages };
}

/** Backups the daily job wrote into `dir`: its own file names only, oldest first. */
export const DAILY_NAME = /^mg-leads-\d{8}-\d{6}\.db$/;

export function dailyBackupName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `mg-leads-${stamp}.db`;
}

/**
 * The running server holds `<database>.pid` with its process id while it has the database
 * open. A file left by a killed server names a process that no longer exists.
 */
export function pidFileOf(databasePath: string): string {
  return `${resolve(databasePath)}.pid`;
}

export function writePidFile(databasePath: string): void {
  writeFileSync(pidFileOf(databasePath), `${process.pid}\n`, { mode: 0o600 });
}

export function removePidFile(databasePath: string): void {
  const file = pidFileOf(databasePath);
  try {
    if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file);
  } catch {}
}

/** The pid of a live server using the database, or null. */
export function runningServerPid(databasePath: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFileOf(databasePath), 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, so it is running.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

export class RestoreRefused extends Error {}

/**
 * Replace the database at `databasePath` with the backup `source`, only if the server is
 * not running on it and the backup is sound: integrity check, migrations to this version,
 * and the access log's chain. The checked copy is renamed over the database (atomic); the
 * previous database is kept beside it as `<name>.before-restore-<time>`.
 */
export function restoreDatabase(
  source: string,
  databasePath: string,
  now = new Date(),
): { entries: number; previous: string | null } {
  const target = resolve(databasePath);
  const pid = runningServerPid(target);
  if (pid !== null)
    throw new RestoreRefused(
      `a server (pid ${pid}) is running on ${target}; stop it before restoring (if none is, remove ${pidFileOf(target)})`,
    );
  if (!existsSync(source)) throw new RestoreRefused(`backup ${source} not found`);

  const temp = join(dirname(target), `.${basename(target)}.restore.tmp`);
  for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, { force: true });
  closeSync(openSync(temp, 'wx', 0o600));
  let entries = 0;
  try {
    copyFileSync(source, temp);
    const candidate = openDatabase(temp);
    try {
      const integrity = candidate.sqlite.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok')
        throw new RestoreRefused(`backup fails integrity_check: ${integrity}`);
      migrateDatabase(candidate);
      const chain = verifyAccessLog(candidate.db);
      if (!chain.ok)
        throw new RestoreRefused(
          `backup's access log is broken at entry ${chain.firstBrokenId} (${chain.reason})`,
        );
      entries = chain.checked;
      // One self-contained file: no WAL to carry along.
      candidate.sqlite.pragma('journal_mode = DELETE');
    } finally {
      candidate.close();
    }
  } catch (error) {
    for (const f of [temp, `${temp}-wal`, `${temp}-shm`]) rmSync(f, { force: true });
    throw error;
  }

  let previous: string | null = null;
  if (existsSync(target)) {
    previous = `${target}.before-restore-${now.toISOString().replace(/[-:.]/g, '')}`;
    try {
      // Fold the old WAL into the old file first, so the kept copy is complete.
      const old = openDatabase(target);
      old.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      old.close();
    } catch {
      // A damaged database is what one restores over: keep its WAL as it is.
      if (existsSync(`${target}-wal`)) copyFileSync(`${target}-wal`, `${previous}-wal`);
    }
    copyFileSync(target, previous);
    chmodSync(previous, 0o600);
  }
  // A WAL left beside the target belongs to the old database and must not be replayed
  // into the restored one.
  for (const f of [`${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
  renameSync(temp, target);
  return { entries, previous };
}
