import { List, Text } from '@mantine/core';
import { formatDateTime } from '../../lib/format';
import { useTranslation } from '../../lib/use-translation';
import type { LeadDetail } from './lead-detail-page';
import { SectionCard } from './section-card';

/** Who the lead was shared with and when: the privacy policy's "sharing" promise, shown. */
export function LeadDisclosures({ disclosures }: { disclosures: LeadDetail['disclosures'] }) {
  const { t } = useTranslation();
  return (
    <SectionCard title={t('lead.disclosures')}>
      {disclosures.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('lead.disclosuresEmpty')}
        </Text>
      ) : (
        <List spacing="xs" size="sm">
          {disclosures.map((disclosure) => (
            <List.Item key={disclosure.id}>
              <Text span size="sm" fw={500}>
                {disclosure.subsidiaryName}
              </Text>
              <Text span size="sm" c="dimmed">
                {' · '}
                {t(`disclosureKind.${disclosure.kind}`)}
                {' · '}
                {formatDateTime(disclosure.at)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
    </SectionCard>
  );
}
