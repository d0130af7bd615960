import { ActionIcon, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { formatDateTime, isoTimestamp } from '../../lib/format';
import { auditPurposeLabel, translateOpen } from '../../lib/translate';
import { useTranslation } from '../../lib/use-translation';
import { type AuditEntry, AuditEntryDetails } from './audit-entry-details';
import { auditActionLabel } from './audit-labels';
import { OUTCOME_COLORS } from './audit-summary';
import { AuditTargets } from './audit-targets';

/**
 * The entries on a phone: a card each, so who did it (the "Bruker" column the table has no
 * room for) is always shown, with the action, outcome, time and targets; details on demand.
 */
export function AuditEntryCards({
  entries,
  expanded,
  onToggle,
}: {
  entries: AuditEntry[];
  expanded: number[];
  onToggle: (id: number) => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack component="ul" gap="xs" m={0} p="xs" aria-label={t('audit.entriesLabel')}>
      {entries.map((entry) => {
        const open = expanded.includes(entry.id);
        return (
          <Paper
            key={entry.id}
            component="li"
            withBorder
            radius="md"
            p="sm"
            style={{ listStyle: 'none' }}
            aria-label={t('audit.entryCard', { id: entry.id })}
          >
            <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={600}>
                  {auditActionLabel(t, entry.action, entry.outcome)}
                </Text>
                <Text size="sm">
                  <Text span c="dimmed" size="xs">
                    {t('audit.actor')}:{' '}
                  </Text>
                  {entry.actorName ?? t('audit.anonymousActor')}
                  {entry.actorRole ? (
                    <Text span size="xs" c="dimmed">
                      {' '}
                      ({translateOpen(t, 'roles', entry.actorRole)})
                    </Text>
                  ) : null}
                </Text>
              </div>
              <Badge
                color={OUTCOME_COLORS[entry.outcome]}
                variant="light"
                style={{ flexShrink: 0 }}
              >
                {t(`auditOutcome.${entry.outcome}`)}
              </Badge>
            </Group>
            <Group justify="space-between" wrap="nowrap" gap="xs" mt={4}>
              <Text size="xs" c="dimmed">
                <time dateTime={isoTimestamp(entry.at)}>{formatDateTime(entry.at)}</time>
                {entry.purpose ? ` · ${auditPurposeLabel(t, entry.purpose)}` : ''}
              </Text>
              <Group gap={4} wrap="nowrap">
                <AuditTargets
                  targetType={entry.targetType}
                  targetIds={entry.targetIds}
                  targetCount={entry.targetCount}
                />
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  size="lg"
                  aria-expanded={open}
                  aria-label={t(open ? 'audit.hideDetails' : 'audit.showDetails', { id: entry.id })}
                  onClick={() => onToggle(entry.id)}
                >
                  {open ? (
                    <IconChevronDown aria-hidden size={16} />
                  ) : (
                    <IconChevronRight aria-hidden size={16} />
                  )}
                </ActionIcon>
              </Group>
            </Group>
            {open ? <AuditEntryDetails entry={entry} /> : null}
          </Paper>
        );
      })}
    </Stack>
  );
}
