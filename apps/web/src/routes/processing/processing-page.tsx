import { Badge, Group, List, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { LEGAL_BASIS_TEXT, type LocalisedText } from '@mg/shared';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { useTRPC } from '../../lib/trpc';

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
              <Table.ScrollContainer minWidth={960}>
                <Table verticalSpacing="sm" fz="sm" striped>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('processing.purpose')}</Table.Th>
                      <Table.Th>{t('processing.legalBasis')}</Table.Th>
                      <Table.Th>{t('processing.dataCategories')}</Table.Th>
                      <Table.Th>{t('processing.peopleCategories')}</Table.Th>
                      <Table.Th>{t('processing.recipients')}</Table.Th>
                      <Table.Th>{t('processing.retention')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {record.data.purposes.map((p) => (
                      <Table.Tr key={p.key}>
                        <Table.Td>
                          <Text fw={600} size="sm">
                            {tx(p.name)}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {t('processing.policySection', { section: p.policySection })}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            {p.legalBasis.map((b) => (
                              <Badge key={b} variant="light" style={{ textTransform: 'none' }}>
                                {tx(LEGAL_BASIS_TEXT[b])}
                              </Badge>
                            ))}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <List size="sm" spacing={2}>
                            {p.dataCategories.map((c) => (
                              <List.Item key={c.en}>{tx(c)}</List.Item>
                            ))}
                          </List>
                        </Table.Td>
                        <Table.Td>
                          <List size="sm" spacing={2}>
                            {p.peopleCategories.map((c) => (
                              <List.Item key={c.en}>{tx(c)}</List.Item>
                            ))}
                          </List>
                        </Table.Td>
                        <Table.Td>
                          <List size="sm" spacing={2}>
                            {p.recipients.map((c) => (
                              <List.Item key={c.en}>{tx(c)}</List.Item>
                            ))}
                          </List>
                        </Table.Td>
                        <Table.Td>
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
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
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
