import { Anchor, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { formatDate } from '../../lib/format';
import { useTranslation } from '../../lib/use-translation';
import { LeadStatusBadge } from './lead-badges';
import type { LeadDetail } from './lead-detail-page';
import { SectionCard } from './section-card';

/** The same person's other leads (matched on e-mail or phone) that this user may see. */
export function RelatedLeads({ related }: { related: LeadDetail['related'] }) {
  const { t } = useTranslation();
  return (
    <SectionCard title={t('lead.related')}>
      {related.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('lead.relatedEmpty')}
        </Text>
      ) : (
        <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
          {related.map((item) => (
            <Group key={item.id} component="li" justify="space-between" gap="xs" wrap="nowrap">
              <div style={{ minWidth: 0 }}>
                <Anchor component={Link} to={`/leads/${item.id}`} size="sm" fw={500}>
                  {item.projectName}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {t('lead.relatedMeta', { id: item.id, date: formatDate(item.createdAt) })}
                </Text>
              </div>
              <LeadStatusBadge status={item.status} />
            </Group>
          ))}
        </Stack>
      )}
    </SectionCard>
  );
}
