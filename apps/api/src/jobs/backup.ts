import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Database_ } from '@mg/db';
import { Cron } from 'croner';
import { DAILY_NAME, dailyBackupName, fileOf } from '../lib/backup';
import type { Logger } from '../lib/logger';
import { startWorkerBeside } from '../lib/worker-thread';

/** What the backup worker answers: the copy's figures and the thread it ran on, or why not. */
type BackupAnswer = { result?: { pages: number; steps: number; threadId: number }; error?: string };

/** The same copy in a worker thread (jobs/backup-worker.ts): what the running server uses. */
export function backupDatabaseInWorker(
  sqlite: Database_['sqlite'],
  file: string,
  options: { stepBytes?: number } = {},
): Promise<{ pages: number; steps: number; threadId: number }> {
  const source = fileOf(sqlite);
  return new Promise((settle, reject) => {
    const worker = startWorkerBeside(import.meta.url, 'backup-worker', { source, file, options });
    worker.once('message', (answer: BackupAnswer) => {
      void worker.terminate();
      if (answer.result) settle(answer.result);
      else reject(new Error(answer.error ?? 'the backup worker gave no answer'));
    });
    worker.once('error', reject);
    // After an answer the promise is settled already; this only ends a worker that died.
    worker.once('exit', (code) => reject(new Error(`the backup worker stopped (${code})`)));
  });
}

/** Write today's backup into `dir`, then delete all but the newest `keep`. */
export async function dailyBackup(
  sqlite: Database_['sqlite'],
  dir: string,
  keep: number,
  now = new Date(),
): Promise<{ file: string; removed: string[] }> {
  const file = join(dir, dailyBackupName(now));
  // In a worker: this thread only waits for the answer (decision 054).
  await backupDatabaseInWorker(sqlite, file);
  const ours = readdirSync(dir)
    .filter((name) => DAILY_NAME.test(name))
    .sort();
  const removed = ours.slice(0, Math.max(0, ours.length - keep));
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return { file, removed };
}

/** The daily backup into BACKUP_DIR, keeping the newest `keep`; off when no directory is set. */
export function scheduleDailyBackup(deps: {
  sqlite: Database_['sqlite'];
  dir: string | undefined;
  keep: number;
  pattern: string;
  log: Logger;
}): Cron | null {
  const { dir } = deps;
  if (!dir) return null;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return new Cron(deps.pattern, { protect: true, timezone: 'Europe/Oslo' }, async () => {
    try {
      const { file, removed } = await dailyBackup(deps.sqlite, dir, deps.keep);
      deps.log.info({ file, removed: removed.length }, 'daily backup written');
    } catch (error) {
      deps.log.error({ err: error }, 'daily backup failed');
    }
  });
}
