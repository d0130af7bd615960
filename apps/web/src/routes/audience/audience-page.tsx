import { Alert, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconListCheck, IconMail, IconMessage } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { PageHeader } from '../../components/page-header';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

type AudienceSummary = RouterOutputs['audience']['summary'][number];

const ICONS = { marketing_email: IconMail, marketing_sms: IconMessage } as const;

function AudienceCard({ item }: { item: AudienceSummary }) {
  const { t } = useTranslation();
  const purpose = t(`consent.purpose.${item.purpose}`);
  const Icon = ICONS[item.purpose];
  const headingId = `audience-${item.purpose}`;
  return (
    <Paper withBorder p="lg" radius="md" component="section" aria-labelledby={headingId}>
      <Stack gap="sm" h="100%">
        <Group gap="xs" wrap="nowrap">
          <Icon aria-hidden size={22} />
          <Title order={2} fz="h4" id={headingId}>
            {purpose}
          </Title>
        </Group>
        <div>
          <Text fz={32} fw={700} lh={1.2} className="tabular">
            {t('audience.count', { count: item.count })}
          </Text>
          <Text size="sm" c="dimmed">
            {t('audience.countHint')}
          </Text>
        </div>
        <Text size="sm" style={{ flexGrow: 1 }}>
          {t(`audience.contents.${item.purpose}`)}
        </Text>
        <Group>
          {item.count > 0 ? (
            // A plain link: the browser sends the session cookie and saves the file itself.
            <Button
              component="a"
              href={item.href}
              download
              leftSection={<IconDownload aria-hidden size={18} />}
              aria-label={t('audience.downloadFor', { purpose })}
            >
              {t('audience.download')}
            </Button>
          ) : (
            <Button disabled leftSection={<IconDownload aria-hidden size={18} />}>
              {t('audience.nothingToDownload')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

/** Who may receive marketing, per channel, and the CSV for a mailing. */
export function AudiencePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const summary = useQuery(trpc.audience.summary.queryOptions());

  return (
    <>
      <PageHeader title={t('audience.title')} description={t('audience.description')} />
      <Stack gap="md">
        <Text size="sm">{t('audience.rules')}</Text>
        {summary.isPending ? (
          <TableSkeleton rows={2} />
        ) : summary.isError ? (
          <ErrorState error={summary.error} onRetry={() => void summary.refetch()} />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            {summary.data.map((item) => (
              <AudienceCard key={item.purpose} item={item} />
            ))}
          </SimpleGrid>
        )}
        <Alert
          color="blue"
          variant="light"
          icon={<IconListCheck aria-hidden />}
          title={t('audience.loggedTitle')}
        >
          {t('audience.logged')}
        </Alert>
      </Stack>
    </>
  );
}
