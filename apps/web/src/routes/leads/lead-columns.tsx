import { Anchor, type MantineTheme, Stack, Text } from '@mantine/core';
import { LEAD_SORTS, type LeadColumn, type LeadSort } from '@mg/shared';
import type { TFunction } from 'i18next';
import type { DataTableColumn } from 'mantine-datatable';
import { Fragment } from 'react';
import { Link } from 'react-router';
import { formatDate, formatDateTime, formatPhone } from '../../lib/format';
import type { RouterOutputs } from '../../lib/trpc';
import { LeadFlagBadges, LeadStatusBadge } from './lead-badges';

export type LeadRow = RouterOutputs['lead']['list']['items'][number];

/** The name column carries the link to the lead, so it is always shown. */
export const REQUIRED_COLUMN: LeadColumn = 'name';

const PHONE_COLUMNS = new Set<LeadColumn>(['name', 'status', 'assignee', 'createdAt']);

export function isSortable(column: string): column is LeadSort {
  return (LEAD_SORTS as readonly string[]).includes(column);
}

function yesNo(t: TFunction, value: boolean) {
  return value ? t('common.yes') : t('common.no');
}

/** Titles for the grid header, the column chooser and nothing else. */
export function columnTitle(t: TFunction, column: LeadColumn): string {
  return t(`leadColumn.${column}`);
}

function renderCell(t: TFunction, column: LeadColumn, row: LeadRow) {
  switch (column) {
    case 'id':
      return <span className="tabular">{row.id}</span>;
    case 'name':
      return (
        <Stack gap={2}>
          <Anchor
            component={Link}
            to={`/leads/${row.id}`}
            fw={500}
            fs={row.anonymisedAt === null ? undefined : 'italic'}
          >
            {row.anonymisedAt === null ? row.name : t('lead.anonymisedName', { id: row.id })}
          </Anchor>
          <LeadFlagBadges
            restricted={row.restricted}
            legalHold={row.legalHold}
            anonymisedAt={null}
          />
        </Stack>
      );
    case 'email':
      return (
        <Text size="sm" style={{ overflowWrap: 'normal', wordBreak: 'normal' }}>
          {row.email ? <EmailWithBreaks email={row.email} /> : '—'}
        </Text>
      );
    case 'phone':
      return <span className="tabular">{row.phone ? formatPhone(row.phone) : '—'}</span>;
    case 'project':
      return row.projectName;
    case 'subsidiary':
      return row.subsidiaryName;
    case 'status':
      return <LeadStatusBadge status={row.status} />;
    case 'assignee':
      if (row.assigneeName === null)
        return (
          <Text span size="sm" c="dimmed">
            {t('lead.unassigned')}
          </Text>
        );
      // A deactivated assignee keeps the lead, and the grid says so (as the lead page does).
      return row.assigneeActive === false ? (
        <Text span size="sm" c="dimmed" fs="italic">
          {t('lead.assigneeInactive', { name: row.assigneeName })}
        </Text>
      ) : (
        row.assigneeName
      );
    case 'consentEmail':
      return row.consentEmail ? t('consent.granted') : t('consent.notGranted');
    case 'consentSms':
      return row.consentSms ? t('consent.granted') : t('consent.notGranted');
    case 'createdAt':
      return formatDate(row.createdAt);
    case 'lastActivityAt':
      return row.lastActivityAt ? formatDateTime(row.lastActivityAt) : '—';
    case 'restricted':
      return yesNo(t, row.restricted);
    case 'legalHold':
      return yesNo(t, row.legalHold);
    case 'anonymisedAt':
      return row.anonymisedAt ? formatDate(row.anonymisedAt) : '—';
  }
}

/**
 * An address may wrap only after its '@' and dots, never inside a word: "ola.nordmann@" /
 * "example.no" instead of "ola.nordm" / "ann@…".
 */
function EmailWithBreaks({ email }: { email: string }) {
  const parts = email.split(/(?<=[@.])/);
  return (
    <>
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string, never reordered
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {part}
        </Fragment>
      ))}
    </>
  );
}

/** Widths that fit each column's longest usual content, so nothing is cut ("Oppfølg…"). */
const COLUMN_MIN_WIDTH: Partial<Record<LeadColumn, number>> = {
  status: 130,
};

/** Grid columns in the order the user chose them; the sortable ones sort on the server. */
export function leadGridColumns(
  t: TFunction,
  columns: readonly LeadColumn[],
): DataTableColumn<LeadRow>[] {
  return columns.map((column) => ({
    accessor: column,
    title: columnTitle(t, column),
    sortable: isSortable(column),
    // Names, addresses, projects and people wrap (at word breaks); short values stay whole.
    noWrap: !['name', 'email', 'project', 'assignee'].includes(column),
    ...(COLUMN_MIN_WIDTH[column] ? { width: COLUMN_MIN_WIDTH[column] } : {}),
    // A phone shows what identifies and sorts a lead; the rest from a small tablet up.
    visibleMediaQuery: PHONE_COLUMNS.has(column)
      ? undefined
      : (theme: MantineTheme) => `(min-width: ${theme.breakpoints.sm})`,
    render: (row: LeadRow) => renderCell(t, column, row),
  }));
}
