import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Database_ } from './client';
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
