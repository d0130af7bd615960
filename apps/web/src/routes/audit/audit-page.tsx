import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Text,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { AUDIT_EXPORT_MAX_ROWS } from '@mg/shared';
import { IconChevronDown, IconChevronRight, IconDownload } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useState } from 'react';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { useCan } from '../../lib/auth';
import { formatDateTime, formatNumber, isoTimestamp } from '../../lib/format';
import { auditPurposeLabel, translateOpen } from '../../lib/translate';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { AuditEntryCards } from './audit-entry-cards';
import { AuditEntryDetails } from './audit-entry-details';
import { AuditFiltersBar } from './audit-filters';
import { auditActionLabel } from './audit-labels';
import { AuditSummary, OUTCOME_COLORS } from './audit-summary';
import { AuditTargets } from './audit-targets';
import { toAuditListInput, useAuditFilters } from './use-audit-filters';
import { useVerifyIntegrity, VerifyButtons, VerifyResult } from './verify-integrity';

const PAGE_SIZE = 50;

/** Below ~600 px a table cannot show who did what: the entries become cards. */
const PHONE = '(max-width: 37.5em)';

/** The CSV download of what the filter shows, in the user's language. */
function auditExportPath(filter: ReturnType<typeof toAuditListInput>, lang: string): string {
  const query = new URLSearchParams({
    filter: JSON.stringify(filter),
    lang: lang === 'en' ? 'en' : 'nb',
  });
  return `/api/exports/audit.csv?${query.toString()}`;
}

function ExportButton({ filter }: { filter: ReturnType<typeof toAuditListInput> }) {
  const { t, i18n } = useTranslation();
  return (
    <Tooltip
      label={t('audit.exportHint', {
        max: formatNumber(AUDIT_EXPORT_MAX_ROWS),
      })}
      multiline
      w={280}
    >
      <Button
        component="a"
        variant="default"
        href={auditExportPath(filter, i18n.language)}
        download
        leftSection={<IconDownload aria-hidden size={18} />}
      >
        {t('audit.export')}
      </Button>
    </Tooltip>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canVerify = useCan('audit:verify');
  const canExport = useCan('audit:export');
  const phone = useMediaQuery(PHONE, false, { getInitialValueInEffect: false });
  const actors = useQuery(trpc.audit.actors.queryOptions());
  const verify = useVerifyIntegrity();
  const filterState = useAuditFilters();
  const { filters, datesInOrder, active, clear } = filterState;

  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...toAuditListInput(filters), limit: PAGE_SIZE },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        placeholderData: keepPreviousData,
        // A reversed range can only return nothing; say so instead of asking.
        enabled: datesInOrder,
      },
    ),
  );
  const rows = log.data?.pages.flatMap((page) => page.items) ?? [];
  const [expanded, setExpanded] = useState<number[]>([]);

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        description={t('audit.description')}
        actions={
          canVerify || canExport ? (
            <Group gap="xs">
              {canExport ? <ExportButton filter={toAuditListInput(filters)} /> : null}
              {canVerify ? <VerifyButtons verify={verify} /> : null}
            </Group>
          ) : null
        }
      />
      <Stack gap="md">
        <VerifyResult verify={verify} />
        <Paper withBorder p="md" radius="md">
          <AuditFiltersBar {...filterState} />
        </Paper>
        <AuditSummary
          filters={filters}
          datesInOrder={datesInOrder}
          actorName={actors.data?.find((actor) => actor.id === filters.actorUserId)?.name}
        />
        <Paper withBorder radius="md">
          {!datesInOrder ? (
            <EmptyState title={t('validation.dateOrder')} />
          ) : log.isPending ? (
            <TableSkeleton />
          ) : log.isError && !log.isFetchNextPageError ? (
            <ErrorState error={log.error} onRetry={() => void log.refetch()} />
          ) : rows.length === 0 ? (
            <EmptyState title={active ? t('audit.emptyFiltered') : t('audit.empty')}>
              {active ? (
                <Button variant="light" size="xs" onClick={clear}>
                  {t('audit.clearFilters')}
                </Button>
              ) : null}
            </EmptyState>
          ) : (
            <>
              {phone ? (
                <AuditEntryCards
                  entries={rows}
                  expanded={expanded}
                  onToggle={(id) =>
                    setExpanded((ids) =>
                      ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id],
                    )
                  }
                />
              ) : (
                <DataTable
                  aria-label={t('audit.title')}
                  records={rows}
                  idAccessor="id"
                  fetching={log.isFetching && !log.isFetchingNextPage}
                  verticalSpacing="xs"
                  fz="sm"
                  rowExpansion={{
                    allowMultiple: true,
                    expanded: { recordIds: expanded, onRecordIdsChange: setExpanded },
                    content: ({ record }) => <AuditEntryDetails entry={record} />,
                  }}
                  columns={[
                    {
                      accessor: 'expand',
                      title: <VisuallyHidden>{t('audit.details')}</VisuallyHidden>,
                      width: 44,
                      render: (row) => {
                        const open = expanded.includes(row.id);
                        return (
                          <ActionIcon
                            variant="subtle"
                            color="gray"
                            size="sm"
                            aria-expanded={open}
                            aria-label={t(open ? 'audit.hideDetails' : 'audit.showDetails', {
                              id: row.id,
                            })}
                            onClick={(event) => {
                              // The row itself also toggles on click; count this click once.
                              event.stopPropagation();
                              setExpanded((ids) =>
                                open ? ids.filter((id) => id !== row.id) : [...ids, row.id],
                              );
                            }}
                          >
                            {open ? (
                              <IconChevronDown aria-hidden size={16} />
                            ) : (
                              <IconChevronRight aria-hidden size={16} />
                            )}
                          </ActionIcon>
                        );
                      },
                    },
                    {
                      accessor: 'at',
                      title: t('common.time'),
                      render: (row) => (
                        <time dateTime={isoTimestamp(row.at)}>{formatDateTime(row.at)}</time>
                      ),
                    },
                    {
                      accessor: 'actorName',
                      title: t('audit.actor'),
                      visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.xs})`,
                      render: (row) => (
                        <>
                          <Text size="sm">{row.actorName ?? t('audit.anonymousActor')}</Text>
                          {row.actorRole ? (
                            <Text size="xs" c="dimmed">
                              {translateOpen(t, 'roles', row.actorRole)}
                            </Text>
                          ) : null}
                        </>
                      ),
                    },
                    {
                      accessor: 'action',
                      title: t('audit.action'),
                      render: (row) => (
                        <>
                          <Text size="sm">{auditActionLabel(t, row.action, row.outcome)}</Text>
                          <Text size="xs" c="dimmed" ff="monospace">
                            {row.action}
                          </Text>
                        </>
                      ),
                    },
                    {
                      accessor: 'purpose',
                      title: t('audit.purpose'),
                      visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.lg})`,
                      render: (row) => (row.purpose ? auditPurposeLabel(t, row.purpose) : '—'),
                    },
                    {
                      accessor: 'targets',
                      title: t('audit.targets'),
                      visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
                      render: (row) => (
                        <AuditTargets
                          targetType={row.targetType}
                          targetIds={row.targetIds}
                          targetCount={row.targetCount}
                        />
                      ),
                    },
                    {
                      accessor: 'outcome',
                      title: t('audit.outcome'),
                      noWrap: true,
                      // Room for the longest label ("Avvist", "Denied") without clipping it.
                      width: 104,
                      render: (row) => (
                        <Badge
                          color={OUTCOME_COLORS[row.outcome]}
                          variant="light"
                          style={{ flexShrink: 0, overflow: 'visible' }}
                        >
                          {t(`auditOutcome.${row.outcome}`)}
                        </Badge>
                      ),
                    },
                    {
                      accessor: 'requestId',
                      title: t('audit.requestId'),
                      visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.xl})`,
                      render: (row) => (
                        <Text size="xs" ff="monospace" c="dimmed">
                          {row.requestId ?? '—'}
                        </Text>
                      ),
                    },
                  ]}
                />
              )}
              <Stack align="center" gap={6} p="md">
                <Text size="sm" c="dimmed">
                  {t('audit.shown', { count: rows.length })}
                </Text>
                {log.hasNextPage ? (
                  <Button
                    variant="default"
                    onClick={() => void log.fetchNextPage()}
                    loading={log.isFetchingNextPage}
                  >
                    {t('common.loadMore')}
                  </Button>
                ) : null}
                {log.isFetchNextPageError ? (
                  <ErrorState error={log.error} onRetry={() => void log.fetchNextPage()} />
                ) : null}
              </Stack>
            </>
          )}
        </Paper>
      </Stack>
    </>
  );
}
