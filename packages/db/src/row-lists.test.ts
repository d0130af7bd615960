import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { idKeysInOrder, idsOf, inOrder, ROW_LISTS } from './queries/leads/row-lists';
import { createTestDatabase, seedFixture } from './testing';

// Long id lists are read as JSON text (decision 057): the same ids, in the same order, as
// reading the rows one by one; an order that does not hold falls back to the rows.
const handle = createTestDatabase();
beforeAll(() => {
  seedFixture(handle);
  // Ties on the key, so the order by id within one key is tested too.
  handle.sqlite.exec('update leads set created_at = 1000 where id % 2 = 0');
});
afterEach(() => {
  ROW_LISTS.asJson = true;
  vi.restoreAllMocks();
});

const plainly = <T>(read: () => T): T => {
  ROW_LISTS.asJson = false;
  try {
    return read();
  } finally {
    ROW_LISTS.asJson = true;
  }
};

describe('row lists', () => {
  it('reads ids in the order the query gives, as the rows do', () => {
    const { db } = handle;
    for (const query of [
      sql`select id from leads order by created_at desc, id desc limit 5`,
      sql`select id from leads order by name, id`,
      sql`select rowid as id from leads_fts where leads_fts match ${'{name} : ("ase"*)'}`,
      sql`select id from leads where id < 0`,
    ]) {
      const rows = plainly(() => idsOf(db, query));
      expect(idsOf(db, query)).toStrictEqual(rows);
    }
    expect(
      plainly(() => idsOf(db, sql`select id from leads order by id desc`)).length,
    ).toBeGreaterThan(2);
  });

  it('reads a walk’s (id, key) rows from JSON when they are in order, else row by row', () => {
    const { db } = handle;
    const walk = (dir: 'asc' | 'desc') =>
      sql`select id, created_at as k from leads order by created_at ${sql.raw(dir)}, id ${sql.raw(dir)} limit 50`;
    const rows = db.all(sql`select id, created_at as k from leads`);
    expect(rows.length).toBeGreaterThan(2);
    for (const dir of ['asc', 'desc'] as const) {
      const expected = plainly(() => idKeysInOrder(db, walk(dir), dir));
      expect(expected.length).toBe(rows.length);
      const all = vi.spyOn(db, 'all');
      expect(idKeysInOrder(db, walk(dir), dir)).toStrictEqual(expected);
      // In order: the JSON text alone, no row read.
      expect(all).not.toHaveBeenCalled();
      all.mockClear();
      // Asked for the other direction than the query gives: the check refuses the JSON and
      // the rows are read plainly (in the query's order, which is what the walk got).
      const other = dir === 'asc' ? 'desc' : 'asc';
      expect(idKeysInOrder(db, walk(dir), other)).toStrictEqual(expected);
      expect(all).toHaveBeenCalledTimes(1);
      all.mockRestore();
    }
  });

  it('reads a walk by text keys (name order) from JSON too', () => {
    const { db } = handle;
    const walk = sql`select id, name_sort as k from leads order by name_sort desc, id desc limit 50`;
    const expected = plainly(() => idKeysInOrder<string>(db, walk, 'desc'));
    expect(expected.length).toBeGreaterThan(2);
    const all = vi.spyOn(db, 'all');
    expect(idKeysInOrder<string>(db, walk, 'desc')).toStrictEqual(expected);
    expect(all).not.toHaveBeenCalled();
  });

  it('checks the order by key, then by id on equal keys', () => {
    expect(inOrder([], [], 'asc')).toBe(true);
    expect(inOrder([3, 1, 2], [1, 2, 2], 'asc')).toBe(true);
    expect(inOrder([3, 2, 1], [1, 2, 2], 'asc')).toBe(false);
    expect(inOrder([2, 1, 3], [5, 5, 1], 'desc')).toBe(true);
    expect(inOrder([1, 2, 3], [5, 5, 1], 'desc')).toBe(false);
    expect(inOrder([1, 2], [1, 0], 'asc')).toBe(false);
    // The same row twice is not strictly after itself.
    expect(inOrder([1, 1], [1, 1], 'asc')).toBe(false);
    // Keys must be numbers (a text or null key is read plainly), and as many as the ids.
    expect(inOrder([1, 2], [1, '2'], 'asc')).toBe(false);
    expect(inOrder([1, 2], [1, null], 'asc')).toBe(false);
    expect(inOrder([1, 2], [1], 'asc')).toBe(false);
    // Text in SQLite's order (UTF-8 bytes): æ (U+00E6) after z, a tie broken by id.
    expect(inOrder([5, 1, 2], ['a', 'z', 'z'], 'asc')).toBe(true);
    expect(inOrder([5, 2, 1], ['æ', 'z', 'z'], 'desc')).toBe(true);
    expect(inOrder([5, 1], ['æ', 'z'], 'asc')).toBe(false);
    expect(inOrder([1, 2], ['a', 2], 'asc')).toBe(false);
    // Where JS's order of UTF-16 units and the bytes' order differ: never trusted.
    expect(inOrder([1, 2], ['\uFF21', '\u{1F600}'], 'asc')).toBe(false);
    expect(inOrder([1, 2], ['\u{1F600}', '\uFF21'], 'asc')).toBe(false);
  });
});
