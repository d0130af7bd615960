/**
 * A read-only look at a database file without drizzle, for checks that must not write (the
 * CLI's verify-audit): opening the app's way (openDatabase + migrateDatabase) loads drizzle
 * and runs `foreign_key_check` over every table, ~1 s of CPU at a million access-log entries
 * before the check starts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

/** The migrations shipped with this code: beside the package sources, or beside a bundle. */
function journalFile(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', 'drizzle'), resolve(here, 'drizzle')];
  const folder = candidates.find((p) => existsSync(p));
  return folder ? resolve(folder, 'meta', '_journal.json') : null;
}

/**
 * Whether the database has every shipped migration: drizzle's migrator applies each journal
 * entry whose `when` is after the newest `created_at` in __drizzle_migrations, so the file is
 * current when that newest row is at or after the last entry's `when`. Anything unreadable
 * counts as not current (the caller then takes the app's way, which migrates).
 */
export function migrationsCurrent(sqlite: Database.Database): boolean {
  const file = journalFile();
  if (!file) return false;
  try {
    const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries?: { when?: unknown }[] };
    const last = journal.entries?.at(-1)?.when;
    if (typeof last !== 'number') return false;
    const applied = sqlite
      .prepare('select created_at from __drizzle_migrations order by created_at desc limit 1')
      .pluck(true)
      .get();
    return applied !== undefined && applied !== null && Number(applied) >= last;
  } catch {
    return false;
  }
}

/**
 * The file opened read-only, if it exists and is migrated to this code's schema; otherwise
 * null.
 */
export function openMigratedReadOnly(file: string): Database.Database | null {
  if (file === ':memory:' || !existsSync(file)) return null;
  let sqlite: Database.Database | null = null;
  try {
    sqlite = openReadOnly(file);
    if (migrationsCurrent(sqlite)) return sqlite;
  } catch {
    // Not a database, or locked past the timeout: the app's way reports it.
  }
  sqlite?.close();
  return null;
}

/** A read-only connection to an existing file (busy_timeout as the app's). */
export function openReadOnly(file: string): Database.Database {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}
