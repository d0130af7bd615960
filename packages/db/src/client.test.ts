import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type Database_, preparedPerConnection } from './client';
import { createTestDatabase } from './testing';

/** The connection drizzle was given (the cached view), not handle.sqlite. */
const drizzleClient = (handle: Database_) =>
  (handle.db as unknown as { $client: Database.Database }).$client;

describe('the statement cache drizzle runs on', () => {
  it('reuses a statement by SQL text, back in object mode', () => {
    const handle = createTestDatabase();
    const client = drizzleClient(handle);
    const first = client.prepare('select 1 as x');
    // drizzle switches row-returning statements to raw (array) mode.
    expect(first.raw().get()).toEqual([1]);
    const again = client.prepare('select 1 as x');
    expect(again).toBe(first);
    expect(again.get()).toEqual({ x: 1 });
    handle.close();
  });

  it('is bounded, and leaves the plain connection alone', () => {
    const handle = createTestDatabase();
    const client = drizzleClient(handle);
    const oldest = client.prepare('select 0 as x');
    for (let i = 1; i <= 500; i++) client.prepare(`select ${i} as x`);
    expect(client.prepare('select 0 as x')).not.toBe(oldest);
    expect(handle.sqlite.prepare('select 1 as x')).not.toBe(handle.sqlite.prepare('select 1 as x'));
    handle.close();
  });
});

describe('preparedPerConnection', () => {
  it('builds once per connection, shared by its transactions', () => {
    let builds = 0;
    const prepared = preparedPerConnection(() => ({ n: ++builds }));
    const a = createTestDatabase();
    const b = createTestDatabase();
    const first = prepared(a.db);
    expect(a.db.transaction((tx) => prepared(tx))).toBe(first);
    expect(a.db.transaction((tx) => tx.transaction((inner) => prepared(inner)))).toBe(first);
    expect(prepared(b.db)).not.toBe(first);
    expect(builds).toBe(2);
    a.close();
    b.close();
  });
});
