import { isLeadWorkable, LEAD_SORT_FIRST_DIR, type LeadColumn, type LeadSort } from '@mg/shared';
import { IconArrowUp, IconSelector } from '@tabler/icons-react';
import { DataTable } from 'mantine-datatable';
import {
  type KeyboardEvent,
  type MouseEvent,
  startTransition,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useHydrating } from '../../lib/hydrating';
import { columnTitle, isSortable, type LeadRow, leadGridColumns } from './lead-columns';
import type { LeadGridControls } from './use-lead-filters';

/** A click or key on these belongs to them, not to the row (open, tick, follow a link). */
const INTERACTIVE = 'a, button, input, label, select, textarea, [role="checkbox"]';

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
 * half of a cold /leads load's main-thread work, 50 rows of mantine-datatable cells). Any
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

/**
 * The desktop grid: sticky header (the table scrolls inside its own box), whole-row click,
 * and the keyboard: ↑/↓ move between rows (one tab stop for the whole body), Enter opens the
 * lead. A column sorts A→Z (text) or newest first (dates) on its first click, and flips on
 * the next; the sorted column shows an arrow and says which way in words.
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
  const [active, setActive] = useState(0);
  const { filter, setFilter } = grid;
  const sort = filter.sort ?? 'createdAt';
  const dir = filter.dir ?? 'desc';

  // The same column objects from render to render while the language and the columns stay.
  const tableColumns = useMemo(() => leadGridColumns(t, columns), [t, columns]);
  const tableRef = useRef<HTMLTableElement | null>(null);
  // mantine-datatable makes each sortable header a button whose name would be the title plus
  // its icon's English label ("Sorted ascending", "Not sorted"). One translated phrase per
  // header instead, and the icons out of the accessibility tree. Runs after every render:
  // the library swaps the icon element when the sort changes.
  useEffect(() => {
    const table = tableRef.current;
    if (!table) return;
    const sortedTitle = isSortable(sort) ? columnTitle(t, sort) : null;
    for (const header of table.querySelectorAll<HTMLElement>('thead th[role="button"]')) {
      const title =
        header.querySelector('.mantine-datatable-header-cell-sortable-text')?.textContent ?? '';
      if (!title) continue;
      const state = title === sortedTitle ? dir : 'none';
      header.setAttribute('aria-label', t(`leads.sortHeader.${state}`, { column: title }));
      for (const icon of header.querySelectorAll('[role="img"]'))
        icon.setAttribute('aria-hidden', 'true');
    }
  });

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
  const activeIndex = Math.min(active, Math.max(0, rows.length - 1));

  return (
    // `display: contents`: a box for the capturing handlers only, none in the layout.
    <div
      style={{ display: 'contents' }}
      onPointerDownCapture={completeNow}
      onKeyDownCapture={completeNow}
      onFocusCapture={completeNow}
    >
      <DataTable<LeadRow>
        aria-label={t('leads.title')}
        tableRef={(element: HTMLTableElement | null) => {
          tableRef.current = element;
        }}
        records={shown}
        idAccessor="id"
        fetching={fetching}
        highlightOnHover
        verticalSpacing="sm"
        horizontalSpacing="xs"
        // A box of its own, so the header row stays in view while the rows scroll under it.
        height={rows.length > 8 ? 'max(360px, calc(100dvh - 260px))' : undefined}
        bodyRef={(element: HTMLTableSectionElement | null) => {
          bodyRef.current = element;
        }}
        columns={tableColumns}
        sortStatus={{ columnAccessor: sort, direction: dir }}
        onSortStatusChange={({ columnAccessor, direction }) => {
          const key = String(columnAccessor);
          if (!isSortable(key)) return;
          // A new column starts in its natural direction; the same column flips.
          setFilter({
            sort: key,
            dir: key === sort ? direction : LEAD_SORT_FIRST_DIR[key as LeadSort],
          });
        }}
        sortIcons={{
          sorted: <IconArrowUp aria-hidden size={14} />,
          unsorted: <IconSelector aria-hidden size={14} />,
        }}
        onRowClick={({ record, event }: { record: LeadRow; event: MouseEvent }) => {
          if (!isFromControl(event.target)) open(record);
        }}
        rowStyle={() => ({ cursor: 'pointer' })}
        customRowAttributes={(_row, index) => ({
          'data-row-index': index,
          tabIndex: index === activeIndex ? 0 : -1,
          onKeyDown: (event: KeyboardEvent<HTMLTableRowElement>) => onRowKeyDown(event, index),
          onFocus: () => setActive(index),
        })}
        {...(selection
          ? {
              selectedRecords: selection.selected,
              onSelectedRecordsChange: selection.onChange,
              // Restricted and anonymised leads take no status, assignee or notes.
              isRecordSelectable: isLeadWorkable,
              allRecordsSelectionCheckboxProps: { 'aria-label': t('leads.selectAll') },
              selectionCheckboxProps: { 'aria-label': t('leads.selectRow') },
              getRecordSelectionCheckboxProps: (row: LeadRow) => ({
                'aria-label': t('leads.selectNamed', {
                  name:
                    row.anonymisedAt === null
                      ? (row.name ?? `#${row.id}`)
                      : t('lead.anonymisedName', { id: row.id }),
                }),
              }),
            }
          : {})}
      />
    </div>
  );
}
