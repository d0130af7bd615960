import { Anchor, Badge, Stack, Text } from '@mantine/core';
import {
  LEAD_SORTS,
  LEAD_STATUSES,
  type LeadColumn,
  type LeadSort,
  type LeadStatus,
} from '@mg/shared';
import type { TFunction } from 'i18next';
import { type CSSProperties, Fragment, type ReactNode } from 'react';
import { Link } from 'react-router';
import { formatDate, formatDateTime, formatPhone } from '../../lib/format';
import type { RouterOutputs } from '../../lib/trpc';
import { LeadFlagBadges, STATUS_COLORS } from './lead-badges';

export type LeadRow = RouterOutputs['lead']['list']['items'][number];

/** The name column carries the link to the lead, so it is always shown. */
export const REQUIRED_COLUMN: LeadColumn = 'name';

const PHONE_COLUMNS = new Set<LeadColumn>(['name', 'status', 'assignee', 'createdAt']);

export function isSortable(column: string): column is LeadSort {
  return (LEAD_SORTS as readonly string[]).includes(column);
}

/**
 * The strings the cells repeat, looked up once per grid render instead of once per cell: each
 * t() call runs i18next's key resolution, and a page is 50 rows (issue 11 point 2: the render
 * is most of a cold load's server time).
 */
type CellStrings = {
  status: Record<LeadStatus, string>;
  unassigned: string;
  granted: string;
  notGranted: string;
  yes: string;
  no: string;
};

function cellStrings(t: TFunction): CellStrings {
  return {
    status: Object.fromEntries(
      LEAD_STATUSES.map((status) => [status, t(`leadStatus.${status}`)]),
    ) as Record<LeadStatus, string>,
    unassigned: t('lead.unassigned'),
    granted: t('consent.granted'),
    notGranted: t('consent.notGranted'),
    yes: t('common.yes'),
    no: t('common.no'),
  };
}

/** Titles for the grid header, the column chooser and nothing else. */
export function columnTitle(t: TFunction, column: LeadColumn): string {
  return t(`leadColumn.${column}`);
}

/*
 * Cells are plain elements wearing Mantine's own classes and variables: they look exactly like
 * <Anchor>, <Text size="sm"> and <Badge> (the theme's defaults for it included, theme.ts), but
 * cost no component each. A grid page is 50 rows of several such cells, and running Mantine's
 * props, styles and Box machinery for every one of them was the largest part of the grid's
 * first render on a cold load (issue 11 point 2). Anything interactive stays a component.
 */
const TEXT_CLASS = `mantine-focus-auto ${Text.classes.root} mantine-Text-root`;
const LINK_CLASS = `mantine-focus-auto ${Anchor.classes.root} ${Text.classes.root} mantine-Text-root mantine-Anchor-root`;
const STACK_CLASS = `${Stack.classes.root} mantine-Stack-root`;
const BADGE_CLASS = `${Badge.classes.root} mantine-Badge-root`;
const BADGE_LABEL_CLASS = `${Badge.classes.label} mantine-Badge-label`;
const SMALL_TEXT = {
  '--text-fz': 'var(--mantine-font-size-sm)',
  '--text-lh': 'var(--mantine-line-height-sm)',
} as CSSProperties;
const NAME_STACK = {
  '--stack-gap': 'calc(0.125rem * var(--mantine-scale))',
  '--stack-align': 'stretch',
  '--stack-justify': 'flex-start',
} as CSSProperties;
const EMAIL_STYLE: CSSProperties = { ...SMALL_TEXT, overflowWrap: 'normal', wordBreak: 'normal' };
const DIMMED_STYLE: CSSProperties = { ...SMALL_TEXT, color: 'var(--mantine-color-dimmed)' };
/** A light badge as the theme draws it (radius sm, weight 600, no capitals). */
const badgeStyle = (color: string) =>
  ({
    '--badge-radius': 'var(--mantine-radius-sm)',
    '--badge-bg': `var(--mantine-color-${color}-light)`,
    '--badge-color': `var(--mantine-color-${color}-light-color)`,
    '--badge-bd': 'calc(0.0625rem * var(--mantine-scale)) solid transparent',
    fontWeight: 600,
    textTransform: 'none',
  }) as CSSProperties;
const STATUS_BADGE_STYLES = Object.fromEntries(
  Object.entries(STATUS_COLORS).map(([status, color]) => [status, badgeStyle(color)]),
) as Record<LeadStatus, CSSProperties>;

function renderCell(t: TFunction, strings: CellStrings, column: LeadColumn, row: LeadRow) {
  switch (column) {
    case 'id':
      return <span className="tabular">{row.id}</span>;
    case 'name':
      return (
        <div className={STACK_CLASS} style={NAME_STACK}>
          <Link
            className={LINK_CLASS}
            data-underline="hover"
            to={`/leads/${row.id}`}
            style={{ fontWeight: 500, fontStyle: row.anonymisedAt === null ? undefined : 'italic' }}
          >
            {row.anonymisedAt === null ? row.name : t('lead.anonymisedName', { id: row.id })}
          </Link>
          {/* Rare: the component (and its tooltips) only for a row that has a flag. */}
          {row.restricted || row.legalHold ? (
            <LeadFlagBadges
              restricted={row.restricted}
              legalHold={row.legalHold}
              anonymisedAt={null}
            />
          ) : null}
        </div>
      );
    case 'email':
      return (
        <p className={TEXT_CLASS} data-size="sm" style={EMAIL_STYLE}>
          {row.email ? <EmailWithBreaks email={row.email} /> : '—'}
        </p>
      );
    case 'phone':
      return <span className="tabular">{row.phone ? formatPhone(row.phone) : '—'}</span>;
    case 'project':
      return row.projectName;
    case 'subsidiary':
      return row.subsidiaryName;
    case 'status':
      return (
        <div className={BADGE_CLASS} data-variant="light" style={STATUS_BADGE_STYLES[row.status]}>
          <span className={BADGE_LABEL_CLASS}>{strings.status[row.status]}</span>
        </div>
      );
    case 'assignee':
      if (row.assigneeName === null)
        return (
          <span className={TEXT_CLASS} data-size="sm" style={DIMMED_STYLE}>
            {strings.unassigned}
          </span>
        );
      // A deactivated assignee keeps the lead, and the grid says so (as the lead page does).
      return row.assigneeActive === false ? (
        <span
          className={TEXT_CLASS}
          data-size="sm"
          style={{ ...DIMMED_STYLE, fontStyle: 'italic' }}
        >
          {t('lead.assigneeInactive', { name: row.assigneeName })}
        </span>
      ) : (
        row.assigneeName
      );
    case 'consentEmail':
      return row.consentEmail ? strings.granted : strings.notGranted;
    case 'consentSms':
      return row.consentSms ? strings.granted : strings.notGranted;
    case 'createdAt':
      return formatDate(row.createdAt);
    case 'lastActivityAt':
      return row.lastActivityAt ? formatDateTime(row.lastActivityAt) : '—';
    case 'restricted':
      return row.restricted ? strings.yes : strings.no;
    case 'legalHold':
      return row.legalHold ? strings.yes : strings.no;
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

/** A column of the grid, as lead-grid-table.tsx draws it. */
export type LeadGridColumn = {
  accessor: LeadColumn;
  title: string;
  sortable: boolean;
  /** Short values stay on one line; names, addresses, projects and people wrap. */
  noWrap: boolean;
  width?: number;
  /** Hidden below Mantine's `sm` breakpoint (a small tablet; phones see cards). */
  wideOnly: boolean;
  render: (row: LeadRow) => ReactNode;
};

/** Grid columns in the order the user chose them; the sortable ones sort on the server. */
export function leadGridColumns(t: TFunction, columns: readonly LeadColumn[]): LeadGridColumn[] {
  const strings = cellStrings(t);
  return columns.map((column) => ({
    accessor: column,
    title: columnTitle(t, column),
    sortable: isSortable(column),
    // Names, addresses, projects and people wrap (at word breaks); short values stay whole.
    noWrap: !['name', 'email', 'project', 'assignee'].includes(column),
    ...(COLUMN_MIN_WIDTH[column] ? { width: COLUMN_MIN_WIDTH[column] } : {}),
    // A phone shows what identifies and sorts a lead; the rest from a small tablet up.
    wideOnly: !PHONE_COLUMNS.has(column),
    render: (row: LeadRow) => renderCell(t, strings, column, row),
  }));
}
