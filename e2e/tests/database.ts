import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A spec's own look into a database file, as an auditor would read it or as a test seeds
 * what the UI cannot create. The API's own better-sqlite3 (the e2e package has none), so the
 * file is opened by the very build the server uses.
 */

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The e2e server's database (playwright.config.ts). */
export const E2E_DB_FILE = join(ROOT, 'e2e', '.e2e-data', 'e2e.db');

export interface Database {
  prepare(sql: string): {
    all(...a: unknown[]): unknown[];
    get(...a: unknown[]): unknown;
    run(...a: unknown[]): { lastInsertRowid: number | bigint };
  };
  pragma(p: string, o?: { simple: boolean }): unknown;
  close(): void;
}

const Sqlite = createRequire(join(ROOT, 'apps/api/package.json'))('better-sqlite3') as new (
  file: string,
  options?: { readonly?: boolean },
) => Database;

/**
 * `work` on a connection to `file`, closed afterwards whatever happens. Writable connections
 * wait for the running server's locks (busy_timeout) instead of failing at once.
 */
export function withDatabase<T>(
  file: string,
  work: (db: Database) => T,
  { readonly = false }: { readonly?: boolean } = {},
): T {
  const db = new Sqlite(file, { readonly });
  try {
    if (!readonly) db.pragma('busy_timeout = 5000');
    return work(db);
  } finally {
    db.close();
  }
}
