/**
 * The order of the leads the grid has loaded, kept in sessionStorage (this tab only, gone
 * when it closes) so the lead page can offer previous/next within the same list. Keyed by
 * the grid's query string: each filter and sort has its own order, and the lead page uses
 * the grid the user came from. Only ids are stored, never names.
 */
const STORE_KEY = 'mg.leadGrid.order';
/** A few recent grids are plenty; older ones go first. */
const MAX_GRIDS = 5;
/** At most this many ids per grid (a few pages), so the entry stays small. */
const MAX_IDS = 1000;

interface Stored {
  /** The grid last shown: the one "previous/next" walks. */
  last: string;
  grids: { search: string; ids: number[] }[];
}

function read(): Stored | null {
  try {
    const raw = sessionStorage.getItem(STORE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Stored>;
    if (typeof parsed.last !== 'string' || !Array.isArray(parsed.grids)) return null;
    const grids = parsed.grids.filter(
      (g): g is Stored['grids'][number] =>
        typeof g?.search === 'string' &&
        Array.isArray(g.ids) &&
        g.ids.every((id) => Number.isSafeInteger(id)),
    );
    return { last: parsed.last, grids };
  } catch {
    // Storage off or a hand-edited value: no previous/next, nothing worse.
    return null;
  }
}

/** Remember the grid's loaded ids, in order, for its query string. */
export function storeGridOrder(search: string, ids: readonly number[]) {
  const stored = read() ?? { last: search, grids: [] };
  const grids = [
    { search, ids: ids.slice(0, MAX_IDS) },
    ...stored.grids.filter((g) => g.search !== search),
  ].slice(0, MAX_GRIDS);
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify({ last: search, grids }));
  } catch {
    // A full or blocked storage only costs the previous/next buttons.
  }
}

/** Where a lead sits in the grid the user last saw: its neighbours and that grid's link. */
export function neighboursInGrid(id: number): {
  search: string;
  previous: number | null;
  next: number | null;
  position: number;
  count: number;
} | null {
  const stored = read();
  if (!stored) return null;
  const grid = stored.grids.find((g) => g.search === stored.last);
  const index = grid ? grid.ids.indexOf(id) : -1;
  if (!grid || index < 0) return null;
  return {
    search: grid.search,
    previous: grid.ids[index - 1] ?? null,
    next: grid.ids[index + 1] ?? null,
    position: index + 1,
    count: grid.ids.length,
  };
}
