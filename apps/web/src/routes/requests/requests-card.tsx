import { Anchor, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatNumber } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

/**
 * The dashboard's card for privacy officer and admin: open data subject requests, how many
 * are overdue and how many are due within 7 days. Overdue is red when there are any.
 */
export function RequestsCard() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const counts = useQuery(trpc.dsr.counts.queryOptions());
  const title = t('requests.cardTitle');
  const value = (n: number | undefined) => (n === undefined ? '–' : formatNumber(n));
  const overdue = counts.data?.overdue ?? 0;
  const dueSoon = counts.data?.dueSoon ?? 0;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Stack gap="xs">
        <Group justify="space-between" align="baseline">
          <Title order={2} fz="h4">
            {title}
          </Title>
          <Anchor component={Link} to="/requests" size="sm">
            {t('requests.cardLink')}
          </Anchor>
        </Group>
        {counts.isError ? (
          <Text size="sm" c="red">
            {t('errors.loadFailed')}
          </Text>
        ) : (
          <SimpleGrid cols={3} spacing="sm">
            <Stat label={t('requests.cardOpen')} value={value(counts.data?.open)} />
            <Stat
              label={t('requests.cardOverdue')}
              value={value(counts.data?.overdue)}
              color={overdue > 0 ? 'red' : undefined}
            />
            <Stat
              label={t('requests.cardDueSoon')}
              value={value(counts.data?.dueSoon)}
              color={dueSoon > 0 ? 'orange' : undefined}
            />
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}

function Stat({ label, value, color }: { label: string; value: string; color?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text fz={28} fw={700} className="tabular" lh={1.3} c={color}>
        {value}
      </Text>
    </div>
  );
}
