import { beforeEach, describe, expect, it } from 'vitest';
import {
  type FetchGridPage,
  neighboursInGrid,
  nextInGrid,
  storeGridOrder,
} from './lead-grid-order';

/** sessionStorage as the browser has it (Node has none): one tab's string store. */
function memoryStorage(): Storage {
  const values = new Map<string, string>();
  return {
    get length() {
      return values.size;
    },
    clear: () => values.clear(),
    getItem: (key) => values.get(key) ?? null,
    key: (index) => [...values.keys()][index] ?? null,
    removeItem: (key) => {
      values.delete(key);
    },
    setItem: (key, value) => {
      values.set(key, String(value));
    },
  };
}

/** A grid of `total` leads (ids 101…), served a page of `size` at a time by cursor. */
function server(total: number, size: number) {
  const all = Array.from({ length: total }, (_, i) => 101 + i);
  const calls: { search: string; cursor: string }[] = [];
  const fetchPage: FetchGridPage = async (search, cursor) => {
    calls.push({ search, cursor });
    const from = Number(cursor.replace('after-', ''));
    const ids = all.slice(from, from + size);
    return { ids, nextCursor: from + size < total ? `after-${from + size}` : null };
  };
  return { all, calls, fetchPage };
}

beforeEach(() => {
  Object.defineProperty(globalThis, 'sessionStorage', {
    value: memoryStorage(),
    configurable: true,
  });
});

describe('previous/next past the loaded page', () => {
  it('fetches the next page at the last loaded lead, with the grid’s cursor', async () => {
    const { all, calls, fetchPage } = server(7, 3);
    // The grid loaded its first page (101–103) and knows the cursor after it.
    storeGridOrder('?sort=project&dir=asc', all.slice(0, 3), 'after-3');
    expect(neighboursInGrid(102)).toMatchObject({ previous: 101, next: 103, more: false });
    expect(neighboursInGrid(103)).toMatchObject({ next: null, more: true, position: 3, count: 3 });

    // Inside the loaded page nothing is fetched.
    expect(await nextInGrid(102, fetchPage)).toBe(103);
    expect(calls).toEqual([]);
    // At its end, the next page comes with the stored cursor, for the same grid.
    expect(await nextInGrid(103, fetchPage)).toBe(104);
    expect(calls).toEqual([{ search: '?sort=project&dir=asc', cursor: 'after-3' }]);
    // Remembered: walking on and back needs no fetch, and the position counts on.
    expect(neighboursInGrid(104)).toMatchObject({
      previous: 103,
      next: 105,
      position: 4,
      count: 6,
    });
    expect(await nextInGrid(105, fetchPage)).toBe(106);
    expect(calls).toHaveLength(1);
    // The walk reaches the real end, then stops.
    expect(await nextInGrid(106, fetchPage)).toBe(107);
    expect(neighboursInGrid(107)).toMatchObject({ next: null, more: false, count: 7 });
    expect(await nextInGrid(107, fetchPage)).toBeNull();
    expect(calls).toHaveLength(2);
  });

  it('does not list a lead twice when it moved into the next page', async () => {
    storeGridOrder('?', [1, 2, 3], 'c');
    const next = await nextInGrid(3, async () => ({ ids: [3, 4], nextCursor: null }));
    expect(next).toBe(4);
    expect(neighboursInGrid(4)).toMatchObject({ previous: 3, next: null, more: false });
  });

  it('walks only the grid last shown, and nothing for a lead not in it', async () => {
    const { fetchPage, calls } = server(10, 5);
    storeGridOrder('?a', [101, 102], 'after-2');
    storeGridOrder('?b', [201, 202], null);
    expect(neighboursInGrid(102)).toBeNull();
    expect(await nextInGrid(102, fetchPage)).toBeNull();
    expect(await nextInGrid(202, fetchPage)).toBeNull();
    expect(calls).toEqual([]);
  });
});
