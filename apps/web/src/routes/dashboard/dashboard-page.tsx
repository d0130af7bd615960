import { Anchor, Grid, Group, Paper, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import {
  hasPermission,
  isSubsidiaryScoped,
  leadGridToSearchParams,
  MIN_DATE,
  toQueryString,
} from '@mg/shared';
import { IconCalendar } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { DatePickerInput } from '../../components/dates';
import { LinkProblemAlert } from '../../components/link-problem-alert';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { useCurrentUser } from '../../lib/auth';
import { formatDay, formatNumber, formatPercent } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { RequestsCard } from '../requests/requests-card';
import { LeadsPerWeekChart, ProjectTable, StatusFunnel, SubsidiaryTable } from './dashboard-charts';
import { STALE_DAY_CHOICES, useDashboardRange } from './use-dashboard-range';

export type DashboardSummary = RouterOutputs['dashboard']['summary'];

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={2} fz="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function Kpi({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fz={28} fw={700} className="tabular" lh={1.3}>
        {value}
      </Text>
      {children}
    </Paper>
  );
}

/** The grid filtered on new leads nobody has taken. */
const UNHANDLED_LINK = `/leads?${toQueryString(
  leadGridToSearchParams({ filter: { status: 'new', assigneeUserId: 'unassigned' } }),
)}`;

export function DashboardPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const { role } = useCurrentUser();
  const bySubsidiary = !isSubsidiaryScoped(role);
  const { from, to, staleDays, linkProblem, setParams } = useDashboardRange();
  const summary = useQuery({
    ...trpc.dashboard.summary.queryOptions({ from, to, staleDays }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader title={t('dashboard.title')} description={t('dashboard.description')} />
      <Stack gap="md">
        <LinkProblemAlert
          problems={linkProblem ? [{ label: t('dashboard.range'), key: linkProblem }] : []}
          instead={t('linkProblem.dashboardInstead')}
          onClear={() => setParams({ from: null, to: null })}
        />
        {hasPermission(role, 'dsr:manage') ? <RequestsCard /> : null}
        <Paper withBorder p="md" radius="md">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <DatePickerInput
              type="range"
              label={t('dashboard.range')}
              valueFormat="L"
              leftSection={<IconCalendar aria-hidden size={16} />}
              allowSingleDateInRange
              miw={260}
              value={[from, to]}
              minDate={MIN_DATE}
              maxDate={dayjs().format('YYYY-MM-DD')}
              onChange={([start, end]) => {
                if (start && end)
                  setParams({
                    from: dayjs(start).format('YYYY-MM-DD'),
                    to: dayjs(end).format('YYYY-MM-DD'),
                  });
              }}
            />
            <Select
              label={t('dashboard.staleDays')}
              allowDeselect={false}
              w={200}
              data={STALE_DAY_CHOICES.map((n) => ({
                value: String(n),
                label: t('dashboard.days', { count: n }),
              }))}
              value={String(staleDays)}
              onChange={(value) => setParams({ stale: value })}
            />
          </Group>
        </Paper>
        {summary.isPending ? (
          <TableSkeleton rows={6} />
        ) : summary.isError ? (
          <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
        ) : (
          <>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="md">
              <Kpi label={t('dashboard.total')} value={formatNumber(summary.data.total)}>
                <Text size="xs" c="dimmed">
                  {t('dashboard.rangeText', {
                    from: formatDay(summary.data.range.from),
                    to: formatDay(summary.data.range.to),
                  })}
                </Text>
              </Kpi>
              <Kpi
                label={t('dashboard.unhandled', { count: summary.data.unhandled.staleDays })}
                value={formatNumber(summary.data.unhandled.count)}
              >
                <Anchor component={Link} to={UNHANDLED_LINK} size="xs">
                  {t('dashboard.unhandledLink')}
                </Anchor>
              </Kpi>
              {summary.data.consentRate.map((rate) => (
                <Kpi
                  key={rate.purpose}
                  label={t(`dashboard.consentRate.${rate.purpose}`)}
                  value={formatPercent(rate.rate)}
                >
                  <Text size="xs" c="dimmed">
                    {t('dashboard.consentOf', { granted: rate.granted, total: rate.total })}
                  </Text>
                </Kpi>
              ))}
            </SimpleGrid>
            {summary.data.total === 0 ? (
              <Paper withBorder radius="md">
                <EmptyState title={t('dashboard.empty')} />
              </Paper>
            ) : (
              <>
                <Panel
                  title={
                    summary.data.interval === 'week'
                      ? bySubsidiary
                        ? t('dashboard.perWeekBySubsidiary')
                        : t('dashboard.perWeekByProject')
                      : bySubsidiary
                        ? t('dashboard.perMonthBySubsidiary')
                        : t('dashboard.perMonthByProject')
                  }
                >
                  <LeadsPerWeekChart summary={summary.data} bySubsidiary={bySubsidiary} />
                </Panel>
                <Grid gap="md">
                  <Grid.Col span={{ base: 12, md: 6 }}>
                    <Stack gap="md">
                      <Panel title={t('dashboard.funnel')}>
                        <StatusFunnel summary={summary.data} />
                      </Panel>
                      {bySubsidiary ? (
                        <Panel title={t('dashboard.bySubsidiary')}>
                          <SubsidiaryTable summary={summary.data} />
                        </Panel>
                      ) : null}
                    </Stack>
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, md: 6 }}>
                    <Panel title={t('dashboard.byProject')}>
                      <ProjectTable summary={summary.data} />
                    </Panel>
                  </Grid.Col>
                </Grid>
              </>
            )}
          </>
        )}
      </Stack>
    </>
  );
}
