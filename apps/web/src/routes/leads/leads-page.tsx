import { Anchor, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { isSubsidiaryScoped } from '@mg/shared';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { useCurrentUser } from '../../lib/auth';
import { formatDate, formatPhone } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { ConsentBadges, LeadFlagBadges, LeadStatusBadge } from './lead-badges';
import { LeadFiltersBar } from './lead-filters';
import { useLeadFilters } from './use-lead-filters';

const PAGE_SIZE = 50;

export function LeadsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { role } = useCurrentUser();
  const seesAllSubsidiaries = !isSubsidiaryScoped(role);
  const filterState = useLeadFilters();
  const { filters, active, clear } = filterState;

  const leads = useInfiniteQuery(
    trpc.lead.list.infiniteQueryOptions(
      { ...filters, limit: PAGE_SIZE },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        // Keep the current rows on screen while a new filter loads, instead of flashing empty.
        placeholderData: keepPreviousData,
      },
    ),
  );

  const rows = leads.data?.pages.flatMap((page) => page.items) ?? [];
  const total = leads.data?.pages[0]?.total ?? 0;

  return (
    <>
      <PageHeader title={t('leads.title')} description={t('leads.description')} />
      <Stack gap="md">
        <Paper withBorder p="md" radius="md">
          <LeadFiltersBar {...filterState} showSubsidiary={seesAllSubsidiaries} />
        </Paper>
        <Paper withBorder radius="md">
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
              <Group justify="space-between" px="md" py="sm">
                <Text size="sm" c="dimmed" aria-live="polite">
                  {t('leads.total', { count: total })}
                </Text>
              </Group>
              <DataTable
                aria-label={t('leads.title')}
                records={rows}
                idAccessor="id"
                fetching={leads.isFetching && !leads.isFetchingNextPage}
                highlightOnHover
                verticalSpacing="sm"
                onRowClick={({ record }) => navigate(`/leads/${record.id}`)}
                columns={[
                  {
                    accessor: 'name',
                    title: t('leads.name'),
                    render: (row) => (
                      <Stack gap={2}>
                        <Anchor
                          component={Link}
                          to={`/leads/${row.id}`}
                          fw={500}
                          fs={row.anonymisedAt === null ? undefined : 'italic'}
                          // The row is clickable too; don't navigate twice.
                          onClick={(event) => event.stopPropagation()}
                        >
                          {row.anonymisedAt === null
                            ? row.name
                            : t('lead.anonymisedName', { id: row.id })}
                        </Anchor>
                        <LeadFlagBadges
                          restricted={row.restricted}
                          legalHold={row.legalHold}
                          anonymisedAt={null}
                        />
                      </Stack>
                    ),
                  },
                  {
                    accessor: 'contact',
                    title: t('leads.contact'),
                    visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
                    render: (row) => (
                      <>
                        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                          {row.email ?? '—'}
                        </Text>
                        <Text size="xs" c="dimmed" className="tabular">
                          {row.phone ? formatPhone(row.phone) : '—'}
                        </Text>
                      </>
                    ),
                  },
                  {
                    accessor: 'projectName',
                    title: t('leads.project'),
                    visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
                  },
                  {
                    accessor: 'subsidiaryName',
                    title: t('leads.subsidiary'),
                    hidden: !seesAllSubsidiaries,
                    visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.lg})`,
                  },
                  {
                    accessor: 'status',
                    title: t('leads.status'),
                    noWrap: true,
                    render: (row) => <LeadStatusBadge status={row.status} />,
                  },
                  {
                    accessor: 'consent',
                    title: t('leads.consent'),
                    noWrap: true,
                    visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
                    render: (row) => (
                      <ConsentBadges email={row.consentEmail} sms={row.consentSms} />
                    ),
                  },
                  {
                    accessor: 'createdAt',
                    title: t('leads.created'),
                    noWrap: true,
                    visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
                    render: (row) => formatDate(row.createdAt),
                  },
                ]}
              />
              <Stack align="center" gap={6} p="md">
                <Text size="sm" c="dimmed">
                  {t('common.showingOf', { shown: rows.length, total })}
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
    </>
  );
}
