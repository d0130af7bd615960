import { describe, expect, it } from 'vitest';
import { pageSelectionState, togglePage, toggleRow } from './lead-grid-selection';

type Row = { id: number; workable: boolean };
// Row 3 is restricted (not selectable), as a restricted or anonymised lead is in the grid.
const rows: Row[] = [1, 2, 3, 4, 5, 6].map((id) => ({ id, workable: id !== 3 }));
const isSelectable = (row: Row) => row.workable;
const ids = (selected: Row[]) => selected.map((row) => row.id);
const tick = (selected: Row[], index: number, anchor: number | null, shift: boolean) =>
  toggleRow({ rows, selected, index, anchor, shift, isSelectable });

describe('one tick', () => {
  it('adds a row, and takes it away on the next tick', () => {
    const one = tick([], 1, null, false);
    expect(ids(one)).toEqual([2]);
    expect(ids(tick(one, 1, 1, false))).toEqual([]);
  });

  it('never takes a row that cannot be selected', () => {
    expect(ids(tick([], 2, null, false))).toEqual([]);
  });
});

describe('a shift-tick', () => {
  it('ticks every selectable row between the last tick and this one, either way round', () => {
    const first = tick([], 0, null, false);
    expect(ids(tick(first, 4, 0, true))).toEqual([1, 2, 4, 5]);
    const last = tick([], 5, null, false);
    expect(ids(tick(last, 1, 5, true))).toEqual([6, 2, 4, 5]);
  });

  it('unticks the range when the row it lands on was ticked', () => {
    const all = togglePage(rows, [], isSelectable);
    expect(ids(tick(all, 4, 1, true))).toEqual([1, 6]);
  });

  it('without an earlier tick, ticks the one row', () => {
    expect(ids(tick([], 4, null, true))).toEqual([5]);
  });

  it('lists no row twice', () => {
    const some = tick(tick([], 1, null, false), 3, 1, false);
    expect(ids(tick(some, 4, 0, true))).toEqual([2, 4, 1, 5]);
  });
});

describe('the header box', () => {
  it('is ticked when every selectable row is, mixed when some are, clear when none', () => {
    expect(pageSelectionState(rows, [], isSelectable)).toEqual({
      checked: false,
      indeterminate: false,
      selectable: 5,
    });
    const some = tick([], 0, null, false);
    expect(pageSelectionState(rows, some, isSelectable)).toMatchObject({
      checked: false,
      indeterminate: true,
    });
    const all = togglePage(rows, some, isSelectable);
    expect(ids(all)).toEqual([1, 2, 4, 5, 6]);
    expect(pageSelectionState(rows, all, isSelectable)).toMatchObject({
      checked: true,
      indeterminate: false,
    });
    expect(ids(togglePage(rows, all, isSelectable))).toEqual([]);
  });

  it('is never ticked on a page with nothing to select', () => {
    const none = rows.map((row) => ({ ...row, workable: false }));
    expect(pageSelectionState(none, [], isSelectable)).toEqual({
      checked: false,
      indeterminate: false,
      selectable: 0,
    });
    expect(pageSelectionState([], [], isSelectable).checked).toBe(false);
  });
});
