import {
  Alert,
  Badge,
  Group,
  Paper,
  SimpleGrid,
  Skeleton,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import type { AuditOutcome } from '@mg/shared';
import { IconInfoCircle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { ErrorState } from '../../components/query-states';
import { formatDateTime, isoTimestamp } from '../../lib/format';
import { auditPurposeLabel, translateOpen } from '../../lib/translate';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { auditActionLabel } from './audit-labels';
import type { AuditFilterState } from './use-audit-filters';
import { toAuditListInput } from './use-audit-filters';

type Summary = NonNullable<RouterOutputs['audit']['summary']>;
type SummaryGroup = Summary['groups'][number];

export const OUTCOME_COLORS: Record<AuditOutcome, string> = {
  ok: 'teal',
  denied: 'orange',
  error: 'red',
};

function When({ at }: { at: number }) {
  return <time dateTime={isoTimestamp(at)}>{formatDateTime(at)}</time>;
}

/** One group: who (or which action), how many times, first and last, for what purpose. */
function GroupCard({ group, by }: { group: SummaryGroup; by: Summary['by'] }) {
  const { t } = useTranslation();
  const heading =
    by === 'target'
      ? (group.actorName ?? t('audit.anonymousActor'))
      : auditActionLabel(t, group.action ?? '', group.outcome);
  const actions =
    by === 'target'
      ? group.actions.map((action) => auditActionLabel(t, action, group.outcome)).join(', ')
      : null;
  return (
    <Paper withBorder radius="md" p="sm" component="li" style={{ listStyle: 'none' }}>
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
        <div>
          <Text fw={600} size="sm">
            {heading}
          </Text>
          {by === 'target' && group.actorRole ? (
            <Text size="xs" c="dimmed">
              {translateOpen(t, 'roles', group.actorRole)}
            </Text>
          ) : null}
          {by === 'actor' && group.targetType ? (
            <Text size="xs" c="dimmed">
              {translateOpen(t, 'auditTargetType', group.targetType)}
            </Text>
          ) : null}
        </div>
        <Badge color={OUTCOME_COLORS[group.outcome]} variant="light" style={{ flexShrink: 0 }}>
          {t(`auditOutcome.${group.outcome}`)}
        </Badge>
      </Group>
      <Text size="sm" mt={6}>
        <Text span fw={600}>
          {t('audit.summaryTimes', { count: group.count })}
        </Text>
        {' · '}
        {group.purpose ? auditPurposeLabel(t, group.purpose) : t('audit.summaryPurposeNone')}
      </Text>
      {actions ? (
        <Text size="xs" c="dimmed">
          {actions}
        </Text>
      ) : null}
      <Text size="xs" mt={4}>
        {t('audit.summaryFirst')}: <When at={group.firstAt} />
        {' · '}
        {t('audit.summaryLast')}: <When at={group.lastAt} />
      </Text>
    </Paper>
  );
}

/**
 * Above the raw entries, when the filter names one record or one user: the server groups the
 * matching entries (who, how many times, first and last, purpose, outcome).
 */
export function AuditSummary({
  filters,
  datesInOrder,
  actorName,
}: Pick<AuditFilterState, 'filters' | 'datesInOrder'> & { actorName: string | undefined }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const titleId = useId();
  const wanted = filters.targetId !== undefined || filters.actorUserId !== undefined;
  const summary = useQuery(
    trpc.audit.summary.queryOptions(toAuditListInput(filters), {
      enabled: wanted && datesInOrder,
    }),
  );
  if (!wanted || !datesInOrder) return null;
  const title =
    filters.targetId !== undefined
      ? t('audit.summaryTargetTitle', {
          type: translateOpen(t, 'auditTargetType', filters.targetType ?? 'lead'),
          id: filters.targetId,
        })
      : t('audit.summaryActorTitle', { name: actorName ?? `#${filters.actorUserId}` });
  const data = summary.data;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={titleId}>
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4" id={titleId}>
            {title}
          </Title>
          {data ? (
            <Text size="sm" c="dimmed">
              {t('audit.summaryEntries', { count: data.entries })}
            </Text>
          ) : null}
        </div>
        {summary.isPending ? (
          <Skeleton height={72} radius="md" />
        ) : summary.isError ? (
          <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
        ) : !data || data.groups.length === 0 ? (
          <Text size="sm">{t('audit.summaryEmpty')}</Text>
        ) : (
          <>
            <SimpleGrid
              cols={{ base: 1, sm: 2, lg: 3 }}
              spacing="sm"
              component="ul"
              m={0}
              p={0}
              aria-label={t('audit.summaryLabel')}
            >
              {data.groups.map((group) => (
                <GroupCard
                  key={`${group.actorUserId}-${group.actorRole}-${group.action}-${group.purpose}-${group.outcome}-${group.targetType}`}
                  group={group}
                  by={data.by}
                />
              ))}
            </SimpleGrid>
            {data.truncated || data.moreGroups ? (
              <Alert variant="light" color="blue" icon={<IconInfoCircle aria-hidden />}>
                {data.truncated ? t('audit.summaryTruncated', { count: data.entries }) : null}{' '}
                {data.moreGroups
                  ? t('audit.summaryMoreGroups', { count: data.groups.length })
                  : null}
              </Alert>
            ) : null}
          </>
        )}
      </Stack>
    </Paper>
  );
}
