import { Loader } from '@mantine/core';
import { isLeadWorkable, LEAD_SORT_FIRST_DIR, type LeadColumn, type LeadSort } from '@mg/shared';
import { IconArrowUp, IconSelector } from '@tabler/icons-react';
import {
  type ChangeEvent,
  type KeyboardEvent,
  type MouseEvent,
  startTransition,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import { useNavigate } from 'react-router';
import { useHydrating } from '../../lib/hydrating';
import { useTranslation } from '../../lib/use-translation';
import { type LeadGridColumn, type LeadRow, leadGridColumns } from './lead-columns';
import { pageSelectionState, togglePage, toggleRow } from './lead-grid-selection';
import classes from './lead-grid-table.module.css';
import { TickBox } from './tick-box';
import type { LeadGridControls } from './use-lead-filters';

/** A click or key on these belongs to them, not to the row (open, tick, follow a link). */
const INTERACTIVE =
  'a, button, input, label, select, textarea, [role="checkbox"], [data-row-select]';

function isFromControl(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(INTERACTIVE) !== null;
}

/**
 * Rows drawn by the grid's first render: a few more than its box shows on this screen (a row
 * is at least ~40 px high). The rest of the page follows right after the first paint.
 */
const FIRST_ROWS_MIN = 12;
function firstRowsCount(): number {
  return Math.max(FIRST_ROWS_MIN, Math.ceil(window.innerHeight / 40) + 2);
}

/**
 * The grid's first render draws only the rows in view, and the rest of the page in a
 * transition right after the first paint (issue 11 point 2: the grid's first render was about
 * half of a cold /leads load's main-thread work, 50 rows of cells). Any
 * pointer, key or focus inside the grid first completes it, synchronously, so a tick on the
 * header's "select all", End or a click acts on the whole page, never on the part drawn first.
 */
function useRowsInView<T>(rows: T[]) {
  // The server knows no window: it draws the minimum, and so does the hydrating render.
  const hydrating = useHydrating();
  const [initial] = useState(() => (hydrating ? FIRST_ROWS_MIN : firstRowsCount()));
  const [complete, setComplete] = useState(false);
  useEffect(() => {
    startTransition(() => setComplete(true));
  }, []);
  const completeNow = () => {
    if (!complete) flushSync(() => setComplete(true));
  };
  const shown = useMemo(
    () => (complete || rows.length <= initial ? rows : rows.slice(0, initial)),
    [complete, rows, initial],
  );
  return { shown, completeNow };
}

/*
 * Plain table elements styled by lead-grid-table.module.css as Mantine's Table draws them:
 * Mantine's `Table` module also defines `Table.ScrollContainer`, which brings ScrollArea and
 * floating-ui (16 KB gzip) into the first load, and one component per cell costs render time.
 */
const TD_CLASS = classes.cell;

function cellClass(column: LeadGridColumn): string {
  return [
    TD_CLASS,
    column.noWrap ? classes.noWrap : '',
    column.wideOnly ? classes.wideOnly : '',
  ].join(' ');
}

function widthStyle(column: LeadGridColumn) {
  return column.width === undefined
    ? undefined
    : { width: column.width, minWidth: column.width, maxWidth: column.width };
}

function isShiftClick(event: ChangeEvent<HTMLInputElement>): boolean {
  // React reports a checkbox's change from its click event, which knows the modifier keys.
  const native = event.nativeEvent;
  return 'shiftKey' in native && native.shiftKey === true;
}

/**
 * The desktop grid: sticky header (the table scrolls inside its own box), whole-row click,
 * and the keyboard: ↑/↓ move between rows (one tab stop for the whole body), Enter opens the
 * lead. A column sorts A→Z (text) or newest first (dates) on its first click, and flips on
 * the next; the sorted column shows an arrow, its header says which way in words and carries
 * `aria-sort`. Ticks: one row, a shift-tick for the rows between, the header's box for the
 * page (lead-grid-selection.ts). A plain Mantine `Table` (issue 11: the first load of /leads).
 */
export function LeadGridTable({
  rows,
  columns,
  grid,
  fetching,
  selection,
}: {
  rows: LeadRow[];
  columns: readonly LeadColumn[];
  grid: Pick<LeadGridControls, 'filter' | 'setFilter'>;
  fetching: boolean;
  selection: { selected: LeadRow[]; onChange: (rows: LeadRow[]) => void } | null;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { shown, completeNow } = useRowsInView(rows);
  const bodyRef = useRef<HTMLTableSectionElement | null>(null);
  const anchorRef = useRef<number | null>(null);
  const [active, setActive] = useState(0);
  const { filter, setFilter } = grid;
  const sort = filter.sort ?? 'createdAt';
  const dir = filter.dir ?? 'desc';

  // The same column objects from render to render while the language and the columns stay.
  const tableColumns = useMemo(() => leadGridColumns(t, columns), [t, columns]);

  // A new page of rows starts a new shift-range.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset whenever the rows change
  useEffect(() => {
    anchorRef.current = null;
  }, [rows]);

  const open = (row: LeadRow) => navigate(`/leads/${row.id}`);
  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(rows.length - 1, index));
    setActive(target);
    bodyRef.current?.querySelector<HTMLElement>(`tr[data-row-index="${target}"]`)?.focus();
  };
  const onRowKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, index: number) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      focusRow(index + 1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      focusRow(index - 1);
    } else if (event.key === 'Home') {
      event.preventDefault();
      focusRow(0);
    } else if (event.key === 'End') {
      event.preventDefault();
      focusRow(rows.length - 1);
    } else if (event.key === 'Enter' && event.target === event.currentTarget) {
      const row = rows[index];
      if (row) open(row);
    }
  };
  const onRowClick = (event: MouseEvent<HTMLTableRowElement>, row: LeadRow) => {
    if (!isFromControl(event.target)) open(row);
  };
  const onSort = (column: LeadSort) => {
    // A new column starts in its natural direction; the same column flips.
    setFilter({
      sort: column,
      dir: column === sort ? (dir === 'asc' ? 'desc' : 'asc') : LEAD_SORT_FIRST_DIR[column],
    });
  };
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));

  const selectedIds = useMemo(
    () => new Set(selection?.selected.map((row) => row.id) ?? []),
    [selection?.selected],
  );
  // Every decision on ticks is taken over the whole page (`rows`), never only the part drawn.
  const page = selection ? pageSelectionState(rows, selection.selected, isLeadWorkable) : null;
  const rowName = (row: LeadRow) =>
    row.anonymisedAt === null
      ? (row.name ?? `#${row.id}`)
      : t('lead.anonymisedName', { id: row.id });

  return (
    // `display: contents`: a box for the capturing handlers only, none in the layout.
    <div
      style={{ display: 'contents' }}
      onPointerDownCapture={completeNow}
      onKeyDownCapture={completeNow}
      onFocusCapture={completeNow}
    >
      <div
        className={classes.scroll}
        // A box of its own, so the header row stays in view while the rows scroll under it.
        style={rows.length > 8 ? { height: 'max(360px, calc(100dvh - 260px))' } : undefined}
        aria-busy={fetching}
      >
        <table
          aria-label={t('leads.title')}
          className={fetching ? `${classes.table} ${classes.busy}` : classes.table}
        >
          <thead className={classes.head}>
            <tr>
              {selection && page ? (
                <th className={`${classes.th} ${classes.selectCell}`}>
                  <TickBox
                    aria-label={t('leads.selectAll')}
                    checked={page.checked}
                    indeterminate={page.indeterminate}
                    disabled={page.selectable === 0}
                    onChange={() => {
                      anchorRef.current = null;
                      selection.onChange(togglePage(rows, selection.selected, isLeadWorkable));
                    }}
                  />
                </th>
              ) : null}
              {tableColumns.map((column) => {
                const className = [
                  classes.th,
                  column.wideOnly ? classes.wideOnly : '',
                  column.sortable ? classes.sortable : '',
                ].join(' ');
                if (!column.sortable)
                  return (
                    <th key={column.accessor} className={className} style={widthStyle(column)}>
                      <span className={classes.sortText}>{column.title}</span>
                    </th>
                  );
                const state = column.accessor === sort ? dir : 'none';
                return (
                  <th
                    key={column.accessor}
                    className={className}
                    style={widthStyle(column)}
                    aria-sort={
                      state === 'asc' ? 'ascending' : state === 'desc' ? 'descending' : 'none'
                    }
                  >
                    <button
                      type="button"
                      className={classes.sortButton}
                      aria-label={t(`leads.sortHeader.${state}`, { column: column.title })}
                      onClick={() => onSort(column.accessor as LeadSort)}
                    >
                      <span className={classes.sortText}>{column.title}</span>
                      <span
                        className={classes.sortIcon}
                        data-sort-icon={state === 'none' ? 'unsorted' : 'sorted'}
                        data-reversed={state === 'desc' || undefined}
                        aria-hidden
                      >
                        {state === 'none' ? <IconSelector size={14} /> : <IconArrowUp size={14} />}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody ref={bodyRef}>
            {shown.map((row, index) => {
              const ticked = selectedIds.has(row.id);
              return (
                <tr
                  key={row.id}
                  className={classes.row}
                  data-selected={ticked || undefined}
                  data-row-index={index}
                  tabIndex={index === activeIndex ? 0 : -1}
                  onClick={(event) => onRowClick(event, row)}
                  onKeyDown={(event) => onRowKeyDown(event, index)}
                  onFocus={() => setActive(index)}
                >
                  {selection ? (
                    // A click beside the box belongs to the box's cell, never opens the lead.
                    <td className={`${TD_CLASS} ${classes.selectCell}`} data-row-select>
                      <TickBox
                        aria-label={t('leads.selectNamed', { name: rowName(row) })}
                        checked={ticked}
                        // Restricted and anonymised leads take no status, assignee or notes.
                        disabled={!isLeadWorkable(row)}
                        onChange={(event) => {
                          selection.onChange(
                            toggleRow({
                              rows,
                              selected: selection.selected,
                              index,
                              anchor: anchorRef.current,
                              shift: isShiftClick(event),
                              isSelectable: isLeadWorkable,
                            }),
                          );
                          anchorRef.current = index;
                        }}
                      />
                    </td>
                  ) : null}
                  {tableColumns.map((column) => (
                    <td
                      key={column.accessor}
                      className={cellClass(column)}
                      style={widthStyle(column)}
                    >
                      {column.render(row)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        {fetching ? (
          <Loader
            size="sm"
            pos="absolute"
            top="50%"
            left="50%"
            style={{ transform: 'translate(-50%, -50%)' }}
            aria-hidden
          />
        ) : null}
      </div>
    </div>
  );
}
