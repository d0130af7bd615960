import { Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { isLeadWorkable } from '@mg/shared';
import { Link, useNavigate } from 'react-router';
import { formatDate } from '../../lib/format';
import { useTranslation } from '../../lib/use-translation';
import { LeadFlagBadges, LeadStatusBadge } from './lead-badges';
import type { LeadRow } from './lead-columns';
import { TickBox } from './tick-box';

const INTERACTIVE = 'a, button, input, label';

/**
 * The leads as cards on a phone: what identifies a lead and what to do next (name, status,
 * project, received, assignee), full width, no sideways scrolling. A tap anywhere opens the
 * lead; the box ticks it for the bulk bar at the bottom of the screen.
 */
export function LeadCardList({
  rows,
  selection,
}: {
  rows: LeadRow[];
  selection: { selected: LeadRow[]; onChange: (rows: LeadRow[]) => void } | null;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const selectedIds = new Set(selection?.selected.map((row) => row.id));
  const toggle = (row: LeadRow, on: boolean) => {
    if (!selection) return;
    selection.onChange(
      on ? [...selection.selected, row] : selection.selected.filter((r) => r.id !== row.id),
    );
  };
  const selectable = rows.filter(isLeadWorkable);
  const ticked = selectable.filter((row) => selectedIds.has(row.id)).length;
  return (
    <>
      {selection && selectable.length > 0 ? (
        <div style={{ padding: 'var(--mantine-spacing-xs) var(--mantine-spacing-sm) 0' }}>
          <TickBox
            label={t('leads.selectAllPage')}
            checked={ticked === selectable.length}
            indeterminate={ticked > 0 && ticked < selectable.length}
            onChange={(event) => selection.onChange(event.currentTarget.checked ? selectable : [])}
          />
        </div>
      ) : null}
      <Stack
        gap="xs"
        p="xs"
        component="ul"
        aria-label={t('leads.title')}
        style={{ listStyle: 'none' }}
      >
        {rows.map((row) => {
          const name =
            row.anonymisedAt === null
              ? (row.name ?? `#${row.id}`)
              : t('lead.anonymisedName', { id: row.id });
          return (
            <Paper
              key={row.id}
              component="li"
              withBorder
              radius="md"
              p="sm"
              style={{ cursor: 'pointer' }}
              onClick={(event) => {
                if (!(event.target instanceof Element && event.target.closest(INTERACTIVE)))
                  navigate(`/leads/${row.id}`);
              }}
            >
              <Group gap="sm" wrap="nowrap" align="flex-start">
                {selection ? (
                  <span style={{ marginTop: 2, display: 'flex' }}>
                    <TickBox
                      aria-label={t('leads.selectNamed', { name })}
                      disabled={!isLeadWorkable(row)}
                      checked={selectedIds.has(row.id)}
                      onChange={(event) => toggle(row, event.currentTarget.checked)}
                    />
                  </span>
                ) : null}
                <Stack gap={4} style={{ flex: 1, minWidth: 0 }}>
                  <Group justify="space-between" gap="xs" wrap="nowrap">
                    <Anchor
                      component={Link}
                      to={`/leads/${row.id}`}
                      fw={600}
                      fs={row.anonymisedAt === null ? undefined : 'italic'}
                      style={{ minWidth: 0, overflowWrap: 'anywhere' }}
                    >
                      {name}
                    </Anchor>
                    <div style={{ flexShrink: 0 }}>
                      <LeadStatusBadge status={row.status} />
                    </div>
                  </Group>
                  <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {row.projectName} · {formatDate(row.createdAt)}
                  </Text>
                  <Text size="sm">
                    {row.assigneeName === null
                      ? t('lead.unassigned')
                      : row.assigneeActive === false
                        ? t('lead.assigneeInactive', { name: row.assigneeName })
                        : row.assigneeName}
                  </Text>
                  <LeadFlagBadges
                    restricted={row.restricted}
                    legalHold={row.legalHold}
                    anonymisedAt={null}
                  />
                </Stack>
              </Group>
            </Paper>
          );
        })}
      </Stack>
    </>
  );
}
