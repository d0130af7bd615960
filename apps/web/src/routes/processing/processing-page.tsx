import { List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { LEGAL_BASIS_TEXT, type LocalisedText } from '@mg/shared';
import { useQuery } from '@tanstack/react-query';
import { PageHeader } from '../../components/page-header';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

function Facts({ label, items }: { label: string; items: string[] }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <List size="sm" spacing={2}>
        {items.map((item) => (
          <List.Item key={item}>{item}</List.Item>
        ))}
      </List>
    </Stack>
  );
}

/**
 * The record of processing activities (GDPR art. 30), read-only: rendered from the one config
 * file in @mg/shared (the API sends it with the live retention setting).
 */
export function ProcessingPage() {
  const { t, i18n } = useTranslation();
  const trpc = useTRPC();
  const record = useQuery(trpc.processing.record.queryOptions());
  const lang = i18n.language.startsWith('en') ? 'en' : 'nb';
  const tx = (text: LocalisedText) => text[lang];

  return (
    <>
      <PageHeader title={t('processing.title')} description={t('processing.description')} />
      {record.isPending ? <TableSkeleton rows={6} /> : null}
      {record.isError ? <ErrorState error={record.error} /> : null}
      {record.data ? (
        <Stack gap="md">
          <Paper
            withBorder
            p="md"
            radius="md"
            component="section"
            aria-label={t('processing.controller')}
          >
            <Stack gap={4}>
              <Title order={2} fz="h4">
                {t('processing.controller')}
              </Title>
              <Text size="sm">
                {record.data.controller.name}, {t('processing.orgNumber')}{' '}
                {record.data.controller.orgNumber}
              </Text>
              <Text size="sm">{record.data.controller.address}</Text>
              <Text size="sm">
                {t('processing.privacyOfficer')}: {record.data.controller.privacyOfficer}
              </Text>
              <Text size="xs" c="dimmed">
                {t('processing.policyVersion', { version: record.data.policyVersion })}
              </Text>
            </Stack>
          </Paper>

          <Paper
            withBorder
            p="md"
            radius="md"
            component="section"
            aria-label={t('processing.purposes')}
          >
            <Stack gap="sm">
              <Title order={2} fz="h4">
                {t('processing.purposes')}
              </Title>
              {record.data.purposes.map((p) => (
                <Paper
                  key={p.key}
                  withBorder
                  p="sm"
                  radius="md"
                  component="article"
                  aria-label={tx(p.name)}
                >
                  <Stack gap="xs">
                    <div>
                      <Title order={3} fz="md">
                        {tx(p.name)}
                      </Title>
                      <Text size="xs" c="dimmed">
                        {t('processing.policySection', { section: p.policySection })}
                      </Text>
                    </div>
                    <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} spacing="md">
                      <Facts
                        label={t('processing.legalBasis')}
                        items={p.legalBasis.map((b) => tx(LEGAL_BASIS_TEXT[b]))}
                      />
                      <Facts
                        label={t('processing.dataCategories')}
                        items={p.dataCategories.map(tx)}
                      />
                      <Facts
                        label={t('processing.peopleCategories')}
                        items={p.peopleCategories.map(tx)}
                      />
                      <Facts label={t('processing.recipients')} items={p.recipients.map(tx)} />
                      <Stack gap={2}>
                        <Text size="xs" c="dimmed" fw={600}>
                          {t('processing.retention')}
                        </Text>
                        {p.retention.kind === 'setting' ? (
                          <Text size="sm">
                            <strong>{record.data.retentionMonths}</strong> {tx(p.retention.note)}
                            <Text span size="xs" c="dimmed" display="block">
                              {t('processing.liveSetting')}
                            </Text>
                          </Text>
                        ) : (
                          <Text size="sm">{tx(p.retention.note)}</Text>
                        )}
                      </Stack>
                    </SimpleGrid>
                  </Stack>
                </Paper>
              ))}
            </Stack>
          </Paper>

          <SimpleGrid cols={{ base: 1 }}>
            <Paper
              withBorder
              p="md"
              radius="md"
              component="section"
              aria-label={t('processing.security')}
            >
              <Stack gap="sm">
                <Title order={2} fz="h4">
                  {t('processing.security')}
                </Title>
                <List size="sm" spacing={4}>
                  {record.data.securityMeasures.map((m) => (
                    <List.Item key={m.en}>{tx(m)}</List.Item>
                  ))}
                </List>
              </Stack>
            </Paper>
          </SimpleGrid>
        </Stack>
      ) : null}
    </>
  );
}
