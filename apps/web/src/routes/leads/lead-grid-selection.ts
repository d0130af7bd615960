/**
 * Row selection of the leads grid, as mantine-datatable did it before the grid moved to a
 * plain table (issue 11): a tick toggles one row; a shift-tick ticks (or, when the row was
 * ticked, unticks) every selectable row between it and the row ticked last; the header's box
 * ticks every selectable row of the page, or unticks them when they all are.
 */

type Keyed = { id: number };

/** Rows in `add` not yet in `selected`, appended in order; nothing is listed twice. */
function union<T extends Keyed>(selected: readonly T[], add: readonly T[]): T[] {
  const ids = new Set(selected.map((row) => row.id));
  return [...selected, ...add.filter((row) => !ids.has(row.id))];
}

export function toggleRow<T extends Keyed>(input: {
  rows: readonly T[];
  selected: readonly T[];
  index: number;
  /** The row ticked or unticked last, if any: the other end of a shift-tick's range. */
  anchor: number | null;
  shift: boolean;
  isSelectable: (row: T) => boolean;
}): T[] {
  const { rows, selected, index, anchor, shift, isSelectable } = input;
  const row = rows[index];
  if (!row || !isSelectable(row)) return [...selected];
  const wasSelected = selected.some((s) => s.id === row.id);
  const range =
    shift && anchor !== null && anchor < rows.length
      ? rows.slice(Math.min(anchor, index), Math.max(anchor, index) + 1).filter(isSelectable)
      : [row];
  if (wasSelected) {
    const drop = new Set(range.map((r) => r.id));
    return selected.filter((s) => !drop.has(s.id));
  }
  return union(selected, range);
}

/** The header box's state: ticked when every selectable row is, mixed when some are. */
export function pageSelectionState<T extends Keyed>(
  rows: readonly T[],
  selected: readonly T[],
  isSelectable: (row: T) => boolean,
): { checked: boolean; indeterminate: boolean; selectable: number } {
  const ids = new Set(selected.map((row) => row.id));
  const selectable = rows.filter(isSelectable);
  const ticked = selectable.filter((row) => ids.has(row.id)).length;
  return {
    // An empty page (or one with no selectable row) is never "all ticked".
    checked: selectable.length > 0 && ticked === selectable.length,
    indeterminate: ticked > 0 && ticked < selectable.length,
    selectable: selectable.length,
  };
}

/** What a click on the header box leaves: all of the page's selectable rows, or none. */
export function togglePage<T extends Keyed>(
  rows: readonly T[],
  selected: readonly T[],
  isSelectable: (row: T) => boolean,
): T[] {
  const { checked } = pageSelectionState(rows, selected, isSelectable);
  const page = new Set(rows.map((row) => row.id));
  if (checked) return selected.filter((row) => !page.has(row.id));
  return union(selected, rows.filter(isSelectable));
}
