import { mkdirSync } from 'node:fs';
import type { Database_ } from '@mg/db';
import { Cron } from 'croner';
import { dailyBackup } from '../lib/backup';
import type { Logger } from '../lib/logger';

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
