import {
  ActionIcon,
  Box,
  Button,
  Group,
  InputBase,
  Paper,
  Stack,
  Text,
  useMantineTheme,
} from '@mantine/core';
import {
  isLeadWorkable,
  isMineLeadFilter,
  isSubsidiaryScoped,
  LEAD_BULK_MAX,
  LEAD_COUNT_CAP,
  LEAD_SORTS,
  type LeadSort,
  mineLeadFilter,
  SORT_DIRECTIONS,
  type SortDirection,
} from '@mg/shared';
import {
  IconChevronLeft,
  IconChevronRight,
  IconFileExport,
  IconUserCheck,
} from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ParseKeys } from 'i18next';
import { type ChangeEvent, useEffect, useMemo, useState } from 'react';
import { useLocation } from 'react-router';
import { DeferredTooltip } from '../../components/lazy/tooltip';
import { LinkProblemAlert } from '../../components/link-problem-alert';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { useCan, useCurrentUser } from '../../lib/auth';
import { formatNumber } from '../../lib/format';
import { useMediaQueryAfterHydration } from '../../lib/hydrating';
import { LEAD_PAGE_SIZE } from '../../lib/prefetch';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import {
  DeferredBulkBar,
  DeferredColumnMenu,
  DeferredExportModal,
  DeferredSavedViewsMenu,
} from './deferred';
import { LeadCardList } from './lead-card-list';
import type { LeadRow } from './lead-columns';
import { LeadFiltersBar } from './lead-filters';
import { storeGridOrder } from './lead-grid-order';
import { LeadGridTable } from './lead-grid-table';
import { SelectChevron } from './select-chevron';
import { useLeadFilters } from './use-lead-filters';

// The route's loader prefetches the first page with the same size (lib/prefetch.ts).
const PAGE_SIZE = LEAD_PAGE_SIZE;

/** The filter bar's label for each filter a link can carry. */
const FILTER_LABELS: Record<string, ParseKeys> = {
  search: 'leads.search',
  projectId: 'leads.project',
  subsidiaryId: 'leads.subsidiary',
  status: 'leads.status',
  consents: 'leads.consent',
  from: 'leads.from',
  to: 'leads.to',
  assigneeUserId: 'leads.assignee',
  anonymised: 'leads.anonymised',
};

/** The sorts the phone's sort menu offers, each in both directions. */
const PHONE_SORTS: LeadSort[] = [
  'createdAt',
  'name',
  'status',
  'project',
  'assignee',
  'email',
  'lastActivityAt',
];

export function LeadsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const theme = useMantineTheme();
  const { search: queryString } = useLocation();
  const { role, id: userId } = useCurrentUser();
  const canUpdate = useCan('lead:update');
  const canExport = useCan('lead:export');
  const seesAllSubsidiaries = !isSubsidiaryScoped(role);
  // Below ~600 px a table cannot show a lead without sideways scrolling: cards instead.
  const phone = useMediaQueryAfterHydration(`(max-width: ${theme.breakpoints.xs})`, false);
  const grid = useLeadFilters();
  const { filter, columns, active, clear, setFilter } = grid;
  const mine = isMineLeadFilter(filter, userId);
  const [selected, setSelected] = useState<LeadRow[]>([]);
  const [allMatching, setAllMatching] = useState(false);
  const [pageIndex, setPageIndex] = useState(0);
  const [exporting, setExporting] = useState(false);

  // The bulk bar mounts when the first row is ticked: its code comes now, after the first
  // paint, so that it appears with the tick and does not push the rows down a moment later.
  useEffect(() => {
    DeferredBulkBar.preload().catch(() => undefined);
  }, []);

  // A new filter is a new list: a selection from the old one would act on rows not shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset whenever the URL state changes
  useEffect(() => {
    setSelected([]);
    setAllMatching(false);
    setPageIndex(0);
  }, [queryString]);

  const leads = useInfiniteQuery(
    trpc.lead.list.infiniteQueryOptions(
      { ...filter, limit: PAGE_SIZE },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        // Keep the current rows on screen while a new filter loads, instead of flashing empty.
        placeholderData: keepPreviousData,
      },
    ),
  );

  // The total is asked for alongside the page, in its own request (not batched with the
  // page), and shown when it arrives: the rows never wait for a count over a million leads.
  const { sort: _sort, dir: _dir, ...countFilter } = filter;
  const count = useQuery({
    ...trpc.lead.count.queryOptions(countFilter, { trpc: { context: { skipBatch: true } } }),
    placeholderData: keepPreviousData,
  });

  const pages = leads.data?.pages ?? [];
  const loaded = useMemo(() => pages.flatMap((page) => page.items), [pages]);
  const page = Math.min(pageIndex, Math.max(0, pages.length - 1));
  const rows = pages[page]?.items ?? [];
  const total = count.data?.total ?? 0;
  const capped = count.data?.capped ?? false;
  const totalLabel = capped ? t('leads.cappedNumber') : formatNumber(total);
  const hasNext = page < pages.length - 1 || leads.hasNextPage;

  // The loaded order and the cursor after it, for "previous / next" on the lead page (which
  // fetches the following page itself at the last loaded lead).
  const nextCursor = pages.at(-1)?.nextCursor ?? null;
  useEffect(() => {
    if (leads.isSuccess)
      storeGridOrder(
        queryString,
        loaded.map((row) => row.id),
        nextCursor,
      );
  }, [leads.isSuccess, loaded, queryString, nextCursor]);

  const goNext = async () => {
    if (page >= pages.length - 1) {
      const result = await leads.fetchNextPage();
      if (result.isError) return;
    }
    setSelected([]);
    setAllMatching(false);
    setPageIndex(page + 1);
  };
  const goPrevious = () => {
    setSelected([]);
    setAllMatching(false);
    setPageIndex(Math.max(0, page - 1));
  };

  // The assignee filter offers the people of the viewer's subsidiary plus anyone on screen.
  const firstRowId = loaded[0]?.id;
  const colleagues = useQuery({
    ...trpc.lead.assignees.queryOptions({ leadId: firstRowId ?? 0 }),
    enabled: canUpdate && !seesAllSubsidiaries && firstRowId !== undefined,
    staleTime: 5 * 60_000,
  });
  const assigneeOptions = useMemo(() => {
    const byId = new Map<number, string>();
    for (const user of colleagues.data ?? []) byId.set(user.id, user.name);
    for (const row of loaded)
      if (row.assigneeUserId !== null && row.assigneeName)
        byId.set(row.assigneeUserId, row.assigneeName);
    return [...byId.entries()]
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
  }, [colleagues.data, loaded]);

  const selectable = rows.filter(isLeadWorkable);
  const wholePageSelected = selectable.length > 0 && selected.length === selectable.length;
  // "Select all N matching" offers the N the change would touch: the server counts the
  // workable leads (not restricted, not anonymised) in scope, up to the bulk limit.
  const bulkCount = useQuery({
    ...trpc.lead.bulkCount.queryOptions(countFilter, { trpc: { context: { skipBatch: true } } }),
    enabled: canUpdate && wholePageSelected,
  });
  const workable = bulkCount.data?.total ?? 0;
  const workableCapped = bulkCount.data?.capped ?? false;
  // Offered once the page is ticked and more can change than the ticked rows.
  const offer =
    canUpdate &&
    wholePageSelected &&
    !allMatching &&
    bulkCount.data &&
    (workableCapped || workable > selected.length) ? (
      !workableCapped ? (
        <Button size="compact-sm" variant="subtle" onClick={() => setAllMatching(true)}>
          {t('leads.bulk.selectAllMatching', { count: workable, total: formatNumber(workable) })}
        </Button>
      ) : (
        <Text size="sm" c="dimmed">
          {t('leads.bulk.matchingTooMany', { max: formatNumber(LEAD_BULK_MAX) })}
        </Text>
      )
    ) : null;
  const selection = canUpdate
    ? {
        selected,
        onChange: (next: LeadRow[]) => {
          setAllMatching(false);
          setSelected(next);
        },
      }
    : null;
  const first = page * PAGE_SIZE + 1;
  const last = page * PAGE_SIZE + rows.length;
  const showBar = canUpdate && (selected.length > 0 || allMatching);

  // On a phone the tools share one row: the sort takes what is left, the others are icons.
  const toolbar = (
    <Group gap="xs" wrap={phone ? 'nowrap' : 'wrap'} w={phone ? '100%' : undefined}>
      {phone ? (
        // The browser's own list: fine on a phone, and no combobox code on the first load.
        <InputBase
          component="select"
          aria-label={t('leads.sortBy')}
          size="sm"
          flex={1}
          miw={0}
          pointer
          rightSection={<SelectChevron />}
          rightSectionPointerEvents="none"
          value={`${filter.sort ?? 'createdAt'}:${filter.dir ?? 'desc'}`}
          onChange={(event: ChangeEvent<HTMLSelectElement>) => {
            const [sort, dir] = event.currentTarget.value.split(':') as [LeadSort, SortDirection];
            if (sort && dir) setFilter({ sort, dir });
          }}
        >
          {PHONE_SORTS.filter((s) => (LEAD_SORTS as readonly string[]).includes(s)).flatMap(
            (sort) =>
              SORT_DIRECTIONS.map((dir) => (
                <option key={`${sort}:${dir}`} value={`${sort}:${dir}`}>
                  {t(`leads.sortOption.${sort}.${dir}`)}
                </option>
              )),
          )}
        </InputBase>
      ) : null}
      <DeferredSavedViewsMenu grid={grid} compact={phone} />
      {phone ? null : <DeferredColumnMenu columns={columns} onChange={grid.setColumns} />}
      {canExport && phone ? (
        <DeferredTooltip label={t('export.button')}>
          <ActionIcon
            variant="light"
            size={36}
            aria-label={t('export.button')}
            onClick={() => setExporting(true)}
          >
            <IconFileExport aria-hidden size={18} />
          </ActionIcon>
        </DeferredTooltip>
      ) : canExport ? (
        <Button
          size="sm"
          variant="light"
          leftSection={<IconFileExport aria-hidden size={16} />}
          onClick={() => setExporting(true)}
        >
          {t('export.button')}
        </Button>
      ) : null}
    </Group>
  );

  return (
    <>
      <PageHeader title={t('leads.title')} description={t('leads.description')} />
      <Stack gap="sm">
        <LinkProblemAlert
          problems={grid.dropped.map((d) => ({
            label: t(FILTER_LABELS[d.field] ?? 'leads.filters'),
            key: d.key,
            params: d.params,
          }))}
          instead={t('linkProblem.leadsInstead')}
          onClear={grid.dropInvalid}
        />
        <Paper withBorder p="sm" radius="md">
          <LeadFiltersBar
            filter={filter}
            setFilter={setFilter}
            active={active}
            clear={clear}
            showSubsidiary={seesAllSubsidiaries}
            showPrivacy={seesAllSubsidiaries}
            assignees={assigneeOptions}
          >
            {canUpdate ? (
              <Button
                variant={mine ? 'filled' : 'light'}
                leftSection={<IconUserCheck aria-hidden size={16} />}
                aria-pressed={mine}
                onClick={() =>
                  grid.setGrid({
                    filter: mine
                      ? { sort: filter.sort, dir: filter.dir }
                      : mineLeadFilter(userId, { sort: filter.sort, dir: filter.dir }),
                    columns,
                  })
                }
              >
                {t('leads.mine')}
              </Button>
            ) : null}
          </LeadFiltersBar>
        </Paper>
        {showBar && !phone ? (
          <DeferredBulkBar
            selected={selected}
            matching={allMatching ? { filter, count: workable } : null}
            offer={offer}
            onDone={() => {
              setSelected([]);
              setAllMatching(false);
            }}
          />
        ) : null}
        <Paper withBorder radius="md">
          <Group justify="space-between" px="md" py="xs" gap="xs">
            <Text size="sm" c="dimmed" aria-live="polite">
              {leads.isError && !leads.isFetchNextPageError
                ? null
                : count.isPending
                  ? t('common.loading')
                  : t('leads.totalOf', {
                      count: capped ? LEAD_COUNT_CAP : total,
                      total: totalLabel,
                    })}
            </Text>
            {toolbar}
          </Group>
          {leads.isPending ? (
            <TableSkeleton />
          ) : leads.isError && !leads.isFetchNextPageError ? (
            <ErrorState error={leads.error} onRetry={() => void leads.refetch()} />
          ) : rows.length === 0 ? (
            <EmptyState title={active ? t('leads.emptyFiltered') : t('leads.empty')}>
              {active ? (
                <Button variant="light" size="xs" onClick={clear}>
                  {t('leads.clearFilters')}
                </Button>
              ) : null}
            </EmptyState>
          ) : (
            <>
              {phone ? (
                <LeadCardList rows={rows} selection={selection} />
              ) : (
                <LeadGridTable
                  rows={rows}
                  columns={columns}
                  grid={grid}
                  fetching={leads.isFetching && !leads.isFetchingNextPage}
                  selection={selection}
                />
              )}
              <Group justify="space-between" gap="xs" p="sm" wrap="nowrap">
                <Button
                  variant="default"
                  size="sm"
                  leftSection={<IconChevronLeft aria-hidden size={16} />}
                  disabled={page === 0}
                  onClick={goPrevious}
                >
                  {t('leads.pager.previous')}
                </Button>
                <Text size="sm" c="dimmed" className="tabular" ta="center">
                  {t('leads.pager.range', {
                    first: formatNumber(first),
                    last: formatNumber(last),
                    total: totalLabel,
                  })}
                </Text>
                <Button
                  variant="default"
                  size="sm"
                  rightSection={<IconChevronRight aria-hidden size={16} />}
                  disabled={!hasNext}
                  loading={leads.isFetchingNextPage}
                  onClick={() => void goNext()}
                >
                  {t('leads.pager.next')}
                </Button>
              </Group>
              {leads.isFetchNextPageError ? (
                <ErrorState error={leads.error} onRetry={() => void leads.fetchNextPage()} />
              ) : null}
            </>
          )}
        </Paper>
        {showBar && phone ? (
          <>
            {/* Room under the last card for the bar fixed to the bottom of the screen. */}
            <Box h={160} aria-hidden />
            <DeferredBulkBar
              fixed
              selected={selected}
              matching={allMatching ? { filter, count: workable } : null}
              offer={offer}
              onDone={() => {
                setSelected([]);
                setAllMatching(false);
              }}
            />
          </>
        ) : null}
      </Stack>
      {canExport ? (
        <DeferredExportModal
          opened={exporting}
          onClose={() => setExporting(false)}
          filter={filter}
          columns={columns}
          total={totalLabel}
        />
      ) : null}
    </>
  );
}
