import { BarChart } from '@mantine/charts';
import { Anchor, Box, Progress, Table, VisuallyHidden } from '@mantine/core';
import { formatLanguage, type LeadFilterParams } from '@mg/shared';
import type { TFunction } from 'i18next';
import { Link } from 'react-router';
import { formatDay, formatNumber, formatPercent } from '../../lib/format';
import { useTranslation } from '../../lib/use-translation';
import { leadsLink } from '../projects/leads-link';
import type { DashboardSummary } from './dashboard-page';

/** The grid showing the leads behind a dashboard row: that row's filter within the range. */
function rowLink(summary: DashboardSummary, filter: LeadFilterParams) {
  return leadsLink({ ...filter, from: summary.range.from, to: summary.range.to });
}

const PALETTE = [
  'blue.6',
  'teal.6',
  'orange.6',
  'grape.6',
  'cyan.6',
  'lime.7',
  'pink.6',
  'indigo.6',
  'yellow.7',
  'red.6',
];
/** More series than colours would be unreadable: the rest are summed into "other". */
const MAX_SERIES = 8;

type Series = { name: string; counts: number[] | null };

/**
 * A period's label: "Uke fra 3. mars 2025" / "Week of 3 Mar 2025", or the month, "mars 2025" /
 * "Mar 2025". Months are calendar months of Oslo days ('YYYY-MM-01'): formatted in UTC so no
 * zone can move one to the month before.
 */
function periodLabel(t: TFunction, language: string, interval: 'week' | 'month', start: string) {
  if (interval === 'week') return t('dashboard.weekOf', { date: formatDay(start) });
  const [year, month] = start.split('-').map(Number);
  return new Intl.DateTimeFormat(formatLanguage(language) === 'en' ? 'en-GB' : 'nb-NO', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(year ?? 1970, (month ?? 1) - 1, 1));
}

/**
 * Leads per week (or per month, for long periods), stacked by subsidiary (staff who see all)
 * or by project (a subsidiary's staff: the only scope whose projects come with a series).
 */
export function LeadsPerWeekChart({
  summary,
  bySubsidiary,
}: {
  summary: DashboardSummary;
  bySubsidiary: boolean;
}) {
  const { t, i18n } = useTranslation();
  const all: Series[] = bySubsidiary
    ? summary.leadsPerPeriod.bySubsidiary
    : summary.leadsPerPeriod.byProject;
  const shown = all.slice(0, MAX_SERIES);
  const rest = all.slice(MAX_SERIES);
  const series = shown.map((s, i) => ({
    name: s.name,
    color: PALETTE[i % PALETTE.length] ?? 'gray.6',
  }));
  const otherKey = t('dashboard.other');
  if (rest.length > 0) series.push({ name: otherKey, color: 'gray.5' });
  const data = summary.periods.map((start, period) => {
    const row: Record<string, string | number> = {
      period: periodLabel(t, i18n.language, summary.interval, start),
    };
    for (const s of shown) row[s.name] = s.counts?.[period] ?? 0;
    if (rest.length > 0)
      row[otherKey] = rest.reduce((sum, s) => sum + (s.counts?.[period] ?? 0), 0);
    return row;
  });
  return (
    <Box
      role="img"
      aria-label={
        summary.interval === 'week'
          ? t('dashboard.perWeekAlt', { weeks: summary.periods.length, total: summary.total })
          : t('dashboard.perMonthAlt', { months: summary.periods.length, total: summary.total })
      }
    >
      <BarChart
        h={300}
        data={data}
        dataKey="period"
        type="stacked"
        series={series}
        valueFormatter={formatNumber}
        withLegend
        legendProps={{ verticalAlign: 'bottom' }}
        tickLine="y"
        gridAxis="y"
        xAxisProps={{ interval: 'preserveStartEnd', minTickGap: 16 }}
      />
    </Box>
  );
}

/** Status funnel as bars a screen reader can read as a table. */
export function StatusFunnel({ summary }: { summary: DashboardSummary }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...summary.statusFunnel.map((s) => s.count));
  return (
    <Table verticalSpacing={6} withRowBorders={false}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('leads.status')}</Table.Th>
          <Table.Th w="50%">
            <VisuallyHidden>{t('dashboard.bar')}</VisuallyHidden>
          </Table.Th>
          <Table.Th ta="right">{t('dashboard.count')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {summary.statusFunnel.map(({ status, count }) => (
          <Table.Tr key={status}>
            <Table.Td>
              <Anchor component={Link} to={rowLink(summary, { status })} size="sm">
                {t(`leadStatus.${status}`)}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Progress value={(count / max) * 100} aria-hidden size="lg" radius="sm" />
            </Table.Td>
            <Table.Td ta="right" className="tabular">
              {formatNumber(count)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Leads per project (or per subsidiary) in the range, each row linking to its leads. */
export function ProjectTable({ summary }: { summary: DashboardSummary }) {
  const { t } = useTranslation();
  return (
    <ShareTable
      summary={summary}
      heading={t('leads.project')}
      rows={summary.leadsPerPeriod.byProject.map((p) => ({
        key: p.projectId,
        name: p.name,
        total: p.total,
        filter: { projectId: p.projectId },
      }))}
    />
  );
}

export function SubsidiaryTable({ summary }: { summary: DashboardSummary }) {
  const { t } = useTranslation();
  return (
    <ShareTable
      summary={summary}
      heading={t('leads.subsidiary')}
      rows={summary.leadsPerPeriod.bySubsidiary.map((s) => ({
        key: s.subsidiaryId,
        name: s.name,
        total: s.total,
        filter: { subsidiaryId: s.subsidiaryId },
      }))}
    />
  );
}

function ShareTable({
  summary,
  heading,
  rows,
}: {
  summary: DashboardSummary;
  heading: string;
  rows: { key: number; name: string; total: number; filter: LeadFilterParams }[];
}) {
  const { t } = useTranslation();
  const total = Math.max(1, summary.total);
  return (
    <Table.ScrollContainer minWidth={320}>
      <Table verticalSpacing="xs" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{heading}</Table.Th>
            <Table.Th ta="right">{t('dashboard.count')}</Table.Th>
            <Table.Th ta="right">{t('dashboard.share')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.key}>
              <Table.Td>
                <Anchor component={Link} to={rowLink(summary, row.filter)} size="sm">
                  {row.name}
                </Anchor>
              </Table.Td>
              <Table.Td ta="right" className="tabular">
                {formatNumber(row.total)}
              </Table.Td>
              <Table.Td ta="right" className="tabular" style={{ whiteSpace: 'nowrap' }}>
                {formatPercent(row.total / total)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
