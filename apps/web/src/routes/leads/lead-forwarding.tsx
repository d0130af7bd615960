import { Badge, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { formatDateTime } from '../../lib/format';
import { translateOpen } from '../../lib/translate';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { SectionCard } from './section-card';

type Message = RouterOutputs['consent']['forwarding'][number];

const STATUS_COLORS: Record<Message['status'], string> = {
  pending: 'yellow',
  sent: 'teal',
  failed: 'red',
};

function ForwardingItem({ message }: { message: Message }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2} component="li">
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
          {message.toSubsidiaryName ?? t('forwarding.unknownRecipient')}
        </Text>
        <Badge color={STATUS_COLORS[message.status]} variant="light" style={{ flexShrink: 0 }}>
          {t(`forwarding.status.${message.status}`)}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {translateOpen(t, 'outboxKind', message.kind)}
        {' · '}
        {t('forwarding.createdAt', { date: formatDateTime(message.createdAt) })}
        {' · '}
        {t('forwarding.attempts', { count: message.attempts })}
      </Text>
      {message.status === 'sent' ? (
        <Text size="sm">{t('forwarding.sentAt', { date: formatDateTime(message.sentAt) })}</Text>
      ) : message.status === 'pending' ? (
        <Text size="sm">
          {t('forwarding.nextAttempt', { date: formatDateTime(message.nextAttemptAt) })}
        </Text>
      ) : (
        <Text size="sm">{t('forwarding.gaveUp')}</Text>
      )}
      {message.lastError && message.status !== 'sent' ? (
        <Text size="xs" c="red.8" style={{ overflowWrap: 'anywhere' }}>
          {t('forwarding.lastError')} {message.lastError}
        </Text>
      ) : null}
    </Stack>
  );
}

/** The notifications about this lead to its subsidiary, and whether they got through. */
export function LeadForwarding({ leadId }: { leadId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const query = useQuery(trpc.consent.forwarding.queryOptions({ leadId }));

  return (
    <SectionCard title={t('forwarding.title')}>
      <Text size="xs" c="dimmed">
        {t('forwarding.hint')}
      </Text>
      {query.isPending ? (
        <TableSkeleton rows={1} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('forwarding.empty')}
        </Text>
      ) : (
        <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {query.data.map((message) => (
            <ForwardingItem key={message.id} message={message} />
          ))}
        </Stack>
      )}
    </SectionCard>
  );
}
