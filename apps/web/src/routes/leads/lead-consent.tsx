import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { CONSENT_PURPOSES, type ConsentPurpose } from '@mg/shared';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import type { LeadDetail } from './lead-detail-page';
import { SectionCard } from './section-card';

type Props = { lead: LeadDetail['lead']; events: LeadDetail['consent'] };

const CHANNEL: Record<ConsentPurpose, 'consent.email' | 'consent.sms'> = {
  marketing_email: 'consent.email',
  marketing_sms: 'consent.sms',
};

export function LeadConsent({ lead, events }: Props) {
  const { t } = useTranslation();
  // The lead's columns hold the latest event per purpose; the table below is the full story.
  const current: Record<ConsentPurpose, boolean> = {
    marketing_email: lead.consentEmail,
    marketing_sms: lead.consentSms,
  };

  return (
    <SectionCard title={t('lead.consentTitle')}>
      <Stack gap={6}>
        {CONSENT_PURPOSES.map((purpose) => (
          <Group key={purpose} justify="space-between" wrap="nowrap">
            <Text size="sm">{t(`consent.purpose.${purpose}`)}</Text>
            <Badge color={current[purpose] ? 'teal' : 'gray'} variant="light">
              {current[purpose] ? t('consent.granted') : t('consent.notGranted')}
            </Badge>
          </Group>
        ))}
      </Stack>
      <Text size="sm" fw={600} mt="xs">
        {t('lead.consentHistory')}
      </Text>
      {events.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('lead.consentHistoryEmpty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={300}>
          <Table fz="sm" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('lead.consentPurpose')}</Table.Th>
                <Table.Th>{t('lead.consentChange')}</Table.Th>
                <Table.Th>{t('lead.consentWhenSource')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.map((event) => (
                <Table.Tr key={event.id}>
                  <Table.Td>{t(CHANNEL[event.purpose])}</Table.Td>
                  <Table.Td>
                    <Badge color={event.granted ? 'teal' : 'red'} variant="dot">
                      {event.granted ? t('consent.eventGranted') : t('consent.eventWithdrawn')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDateTime(event.at)}</Text>
                    <Text size="xs" c="dimmed">
                      {t(`consent.source.${event.source}`)}
                      {event.actorName ? ` · ${event.actorName}` : ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </SectionCard>
  );
}
