import { Button, Group, Paper, Stack, Text } from '@mantine/core';
import { isLeadWorkable, isSubsidiaryScoped, LEAD_COUNT_CAP } from '@mg/shared';
import { IconFileExport, IconUserCheck } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ParseKeys } from 'i18next';
import { DataTable } from 'mantine-datatable';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { LinkProblemAlert } from '../../components/link-problem-alert';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { useCan, useCurrentUser } from '../../lib/auth';
import { LEAD_PAGE_SIZE } from '../../lib/prefetch';
import { useTRPC } from '../../lib/trpc';
import { LeadBulkBar } from './lead-bulk-bar';
import { LeadColumnMenu } from './lead-column-menu';
import { isSortable, type LeadRow, leadGridColumns } from './lead-columns';
import { LeadExportModal } from './lead-export-modal';
import { LeadFiltersBar } from './lead-filters';
import { SavedViewsMenu } from './saved-views-menu';
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

export function LeadsPage() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const { search: queryString } = useLocation();
  const { role, id: userId } = useCurrentUser();
  const canUpdate = useCan('lead:update');
  const canExport = useCan('lead:export');
  const seesAllSubsidiaries = !isSubsidiaryScoped(role);
  const grid = useLeadFilters();
  const { filter, columns, active, clear, setFilter } = grid;
  // "Mine leads": assigned to me, nothing else narrowing the grid.
  const mine =
    filter.assigneeUserId === userId &&
    Object.entries(filter).every(
      ([key, value]) => value === undefined || ['sort', 'dir', 'assigneeUserId'].includes(key),
    );
  const [selected, setSelected] = useState<LeadRow[]>([]);
  const [exporting, setExporting] = useState(false);

  // A new filter is a new list: a selection from the old one would act on rows not shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset whenever the URL state changes
  useEffect(() => setSelected([]), [queryString]);

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

  const rows = leads.data?.pages.flatMap((page) => page.items) ?? [];
  const total = count.data?.total ?? 0;
  const capped = count.data?.capped ?? false;
  const totalLabel = capped
    ? t('leads.cappedNumber')
    : new Intl.NumberFormat(i18n.language).format(total);

  // The assignee filter offers the people of the viewer's subsidiary plus anyone on screen.
  const firstRowId = rows[0]?.id;
  const colleagues = useQuery({
    ...trpc.lead.assignees.queryOptions({ leadId: firstRowId ?? 0 }),
    enabled: canUpdate && !seesAllSubsidiaries && firstRowId !== undefined,
    staleTime: 5 * 60_000,
  });
  const assigneeOptions = useMemo(() => {
    const byId = new Map<number, string>();
    for (const user of colleagues.data ?? []) byId.set(user.id, user.name);
    for (const row of rows)
      if (row.assigneeUserId !== null && row.assigneeName)
        byId.set(row.assigneeUserId, row.assigneeName);
    return [...byId.entries()]
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'nb'));
  }, [colleagues.data, rows]);

  const tableColumns = useMemo(() => leadGridColumns(t, columns), [t, columns]);

  return (
    <>
      <PageHeader title={t('leads.title')} description={t('leads.description')} />
      <Stack gap="md">
        <LinkProblemAlert
          problems={grid.dropped.map((d) => ({
            label: t(FILTER_LABELS[d.field] ?? 'leads.filters'),
            key: d.key,
            params: d.params,
          }))}
          instead={t('linkProblem.leadsInstead')}
          onClear={grid.dropInvalid}
        />
        <Paper withBorder p="md" radius="md">
          <LeadFiltersBar
            filter={filter}
            setFilter={setFilter}
            active={active}
            clear={clear}
            showSubsidiary={seesAllSubsidiaries}
            assignees={assigneeOptions}
          />
        </Paper>
        {selected.length > 0 && canUpdate ? (
          <LeadBulkBar selected={selected} onDone={() => setSelected([])} />
        ) : null}
        <Paper withBorder radius="md">
          <Group justify="space-between" px="md" py="sm" gap="xs">
            <Text size="sm" c="dimmed" aria-live="polite">
              {count.isPending
                ? t('common.loading')
                : t('leads.totalOf', { count: capped ? LEAD_COUNT_CAP : total, total: totalLabel })}
            </Text>
            <Group gap="xs">
              {canUpdate ? (
                <Button
                  size="sm"
                  variant={mine ? 'filled' : 'light'}
                  leftSection={<IconUserCheck aria-hidden size={16} />}
                  aria-pressed={mine}
                  onClick={() =>
                    grid.setGrid({
                      filter: mine
                        ? { sort: filter.sort, dir: filter.dir }
                        : { sort: filter.sort, dir: filter.dir, assigneeUserId: userId },
                      columns,
                    })
                  }
                >
                  {t('leads.mine')}
                </Button>
              ) : null}
              <SavedViewsMenu grid={grid} />
              <LeadColumnMenu columns={columns} onChange={grid.setColumns} />
              {canExport ? (
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
              <DataTable<LeadRow>
                aria-label={t('leads.title')}
                records={rows}
                idAccessor="id"
                fetching={leads.isFetching && !leads.isFetchingNextPage}
                highlightOnHover
                verticalSpacing="sm"
                columns={tableColumns}
                sortStatus={{ columnAccessor: filter.sort, direction: filter.dir }}
                onSortStatusChange={({ columnAccessor, direction }) => {
                  const key = String(columnAccessor);
                  if (isSortable(key)) setFilter({ sort: key, dir: direction });
                }}
                sortIcons={undefined}
                {...(canUpdate
                  ? {
                      selectedRecords: selected,
                      onSelectedRecordsChange: setSelected,
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
              <Stack align="center" gap={6} p="md">
                <Text size="sm" c="dimmed">
                  {t('common.showingOf', { shown: rows.length, total: totalLabel })}
                </Text>
                {leads.hasNextPage ? (
                  <Button
                    variant="default"
                    onClick={() => void leads.fetchNextPage()}
                    loading={leads.isFetchingNextPage}
                  >
                    {t('common.loadMore')}
                  </Button>
                ) : null}
                {leads.isFetchNextPageError ? (
                  <ErrorState error={leads.error} onRetry={() => void leads.fetchNextPage()} />
                ) : null}
              </Stack>
            </>
          )}
        </Paper>
      </Stack>
      {canExport ? (
        <LeadExportModal
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
