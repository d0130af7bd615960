/**
 * The order of the leads the grid has loaded, kept in sessionStorage (this tab only, gone
 * when it closes) so the lead page can offer previous/next within the same list. Keyed by
 * the grid's query string: each filter and sort has its own order, and the lead page uses
 * the grid the user came from. Only ids and the opaque cursor of the next page are stored,
 * never names. At the last loaded lead, "next" fetches the grid's next page with that cursor
 * (the same keyset the grid pages by) instead of stopping.
 */
const STORE_KEY = 'mg.leadGrid.order';
/** A few recent grids are plenty; older ones go first. */
const MAX_GRIDS = 5;
/** At most this many ids per grid (a few pages); past it the oldest ids go first. */
const MAX_IDS = 1000;

interface StoredGrid {
  search: string;
  ids: number[];
  /** The cursor of the page after the last id, or null when the list ends there. */
  next: string | null;
  /** How many ids were dropped from the front (positions stay those of the grid). */
  offset: number;
}

interface Stored {
  /** The grid last shown: the one "previous/next" walks. */
  last: string;
  grids: StoredGrid[];
}

function read(): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    if (typeof parsed.last !== 'string' || !Array.isArray(parsed.grids)) return null;
    const grids = parsed.grids
      .filter(
        (g): g is StoredGrid =>
          typeof g?.search === 'string' &&
          Array.isArray(g.ids) &&
          g.ids.every((id) => Number.isSafeInteger(id)),
      )
      .map((g) => ({
        search: g.search,
        ids: g.ids,
        next: typeof g.next === 'string' ? g.next : null,
        offset: Number.isSafeInteger(g.offset) && g.offset > 0 ? g.offset : 0,
      }));
    return { last: parsed.last, grids };
  } catch {
    // Storage off or a hand-edited value: no previous/next, nothing worse.
    return null;
  }
}

function write(last: string, grid: StoredGrid, others: StoredGrid[]) {
  const over = Math.max(0, grid.ids.length - MAX_IDS);
  const kept = { ...grid, ids: grid.ids.slice(over), offset: grid.offset + over };
  const grids = [kept, ...others.filter((g) => g.search !== grid.search)].slice(0, MAX_GRIDS);
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify({ last, grids }));
  } catch {
    // A full or blocked storage only costs the previous/next buttons.
  }
}

/**
 * Remember the grid's loaded ids, in order, for its query string, with the cursor of the
 * page that follows them (null: nothing follows).
 */
export function storeGridOrder(search: string, ids: readonly number[], next: string | null) {
  const stored = read();
  write(search, { search, ids: ids.slice(0, MAX_IDS), next, offset: 0 }, stored?.grids ?? []);
}

export interface GridPlace {
  search: string;
  previous: number | null;
  /** The next loaded id; null at the last loaded one (see `more`). */
  next: number | null;
  /** The grid goes on past the loaded ids: "next" can fetch its next page. */
  more: boolean;
  position: number;
  count: number;
}

/** Where a lead sits in the grid the user last saw: its neighbours and that grid's link. */
export function neighboursInGrid(id: number): GridPlace | null {
  const stored = read();
  if (!stored) return null;
  const grid = stored.grids.find((g) => g.search === stored.last);
  const index = grid ? grid.ids.indexOf(id) : -1;
  if (!grid || index < 0) return null;
  return {
    search: grid.search,
    previous: grid.ids[index - 1] ?? null,
    next: grid.ids[index + 1] ?? null,
    more: index === grid.ids.length - 1 && grid.next !== null,
    position: grid.offset + index + 1,
    count: grid.offset + grid.ids.length,
  };
}

/** One page of the grid after `cursor`: its ids in order and the cursor after them. */
export type FetchGridPage = (
  search: string,
  cursor: string,
) => Promise<{ ids: number[]; nextCursor: string | null }>;

/**
 * The lead after `id` in the grid last seen. At the last loaded lead, the grid's next page
 * is fetched (with the stored cursor) and remembered, so walking on later needs no fetch.
 * Null at the real end of the list, or when the lead is not in that grid.
 */
export async function nextInGrid(id: number, fetchPage: FetchGridPage): Promise<number | null> {
  const place = neighboursInGrid(id);
  if (!place) return null;
  if (place.next !== null || !place.more) return place.next;
  const stored = read();
  const grid = stored?.grids.find((g) => g.search === place.search);
  if (!stored || !grid?.next) return null;
  const page = await fetchPage(grid.search, grid.next);
  // A lead that moved between pages (a status change, say) is not listed twice.
  const seen = new Set(grid.ids);
  const added = page.ids.filter((n) => !seen.has(n));
  write(
    stored.last,
    { ...grid, ids: [...grid.ids, ...added], next: page.nextCursor },
    stored.grids,
  );
  return added[0] ?? null;
}
