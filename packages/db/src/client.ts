import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from 'better-sqlite3';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { leadHasSearchWords } from './queries/leads/search';
import * as schema from './schema';

export type Schema = typeof schema;
/** Named explicitly: drizzle's inferred client type cannot be emitted across packages. */
export type Db = BetterSQLite3Database<Schema>;
/** A database handle or a transaction: every query function accepts either. */
export type Conn = BaseSQLiteDatabase<'sync', RunResult, Schema>;

export interface Database_ {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/**
 * Files shipped beside the code (migrations, seed texts): next to the package sources, or
 * copied next to a bundle that inlined this module.
 */
export function assetPath(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', name), resolve(here, name)];
  return candidates.find((p) => existsSync(p)) ?? (candidates[0] as string);
}

export const MIGRATIONS_FOLDER = assetPath('drizzle');

/**
 * The WAL size (pages) at which a commit checkpoints. The API moves that work to a thread of
 * its own (checkpointer.ts) and sets this back if the thread ends.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Open the SQLite file with the pragmas the app relies on. */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database_ {
  if (file !== ':memory:') {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    if (!options.readonly) ownerOnly(file);
  }
  const sqlite = new Database(file, { readonly: options.readonly ?? false });
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoint every ~40 MB of WAL instead of SQLite's default ~4 MB. A lead rewrites the
  // same hot index pages (about twenty indexes and the full-text segments) in every commit;
  // a checkpoint copies each page once however often it changed, so checkpointing ten times
  // less often copies far fewer pages (about 7 % more intake throughput, decision 004).
  sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  sqlite.pragma('busy_timeout = 5000');
  // Anonymised personal data must not linger in free pages.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('foreign_keys = ON');
  // Statement journals and temporary tables in memory, not in temp files: a write inside a
  // transaction to a table with triggers (leads: full-text and lead_day_counts) needs a
  // statement journal, and as a file it cost ~0.5 ms per lead inserted (measured: 171 µs a
  // lead without triggers, 851 with them and a file journal, 345 in memory). It also keeps
  // copies of personal data out of temp files.
  sqlite.pragma('temp_store = MEMORY');
  // The grid search's check of a lead row against the typed words (queries/leads/search.ts).
  sqlite.function(
    'lead_search_words',
    { deterministic: true },
    (words, name, email, phone, message) =>
      leadHasSearchWords(String(words), ...[name, email, phone, message].map(textOrNull)) ? 1 : 0,
  );
  const db = drizzle(withStatementCache(sqlite), { schema });
  return { db, sqlite, close: () => sqlite.close() };
}

const textOrNull = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * The database holds personal data: the file is created readable by its owner only (0600),
 * before SQLite opens it. SQLite gives the -wal and -shm files the database file's mode.
 */
function ownerOnly(file: string) {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  try {
    chmodSync(file, 0o600);
  } catch {
    // Someone else's file (a read-only mount, a backup being checked): left as it is.
  }
}

/**
 * drizzle prepares a fresh statement for every query, and compiling SQL (with the triggers
 * an insert fires) costs more than running it. This hands drizzle a view of the connection
 * whose prepare() reuses statements by SQL text, as better-sqlite3 recommends. Bounded
 * (least recently used goes first). A reused statement is put back in object mode, since
 * drizzle switches row-returning statements to raw mode. Safe because statements run to
 * completion synchronously: drizzle never holds one open (no iterate()).
 */
function withStatementCache(sqlite: Database.Database, max = 500): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    const hit = cache.get(source);
    if (hit) {
      cache.delete(source);
      cache.set(source, hit);
      if (hit.reader) hit.raw(false);
      return hit;
    }
    const stmt = sqlite.prepare(source);
    cache.set(source, stmt);
    if (cache.size > max) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Apply committed migrations. Foreign keys are switched off while migrating: drizzle runs
 * migrations in a transaction, where a table rebuild with foreign keys on would
 * cascade-delete rows (STACK.md pitfall 7).
 */
export function migrateDatabase(handle: Database_): void {
  handle.sqlite.pragma('foreign_keys = OFF');
  try {
    migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    handle.sqlite.pragma('foreign_keys = ON');
  }
  const violations = handle.sqlite.pragma('foreign_key_check') as unknown[];
  if (violations.length > 0) throw new Error(`foreign key violations after migration`);
}

/**
 * The better-sqlite3 connection under a drizzle database or transaction, for hot paths that
 * prepare raw statements once (drizzle's query building costs more than the query there).
 */
export function sqliteOf(conn: Conn): Database.Database {
  // `session.client` is drizzle-internal (not in its types), set on databases and transactions.
  return (conn as unknown as { session: { client: Database.Database } }).session.client;
}

/**
 * Queries on a hot path, built once per connection as drizzle prepared queries (values
 * bound through `sql.placeholder`): building SQL from drizzle's query tree costs more than
 * SQLite takes to run a small insert. `build` runs on first use for a connection and its
 * result is reused for every later call on the same connection, also inside transactions:
 * drizzle's transaction objects share their database's session (one better-sqlite3
 * connection), so the session is the cache key. Keyed weakly, so a closed database's
 * statements go with it.
 */
export function preparedPerConnection<T>(build: (conn: Conn) => T): (conn: Conn) => T {
  const cache = new WeakMap<object, T>();
  return (conn) => {
    // `session` is drizzle-internal (not in its types) but set on every database and
    // transaction object; a transaction's is its database's.
    const key = (conn as unknown as { session: object }).session;
    let prepared = cache.get(key);
    if (prepared === undefined) {
      prepared = build(conn);
      cache.set(key, prepared);
    }
    return prepared;
  };
}
