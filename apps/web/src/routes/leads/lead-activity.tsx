import { Text, Timeline } from '@mantine/core';
import { LEAD_STATUSES, type LeadStatus } from '@mg/shared';
import {
  IconArrowsExchange,
  IconLock,
  IconNote,
  IconPoint,
  IconScale,
  IconUserCheck,
} from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { formatDateTime } from '../../lib/format';
import { translateOpen } from '../../lib/translate';
import { useTranslation } from '../../lib/use-translation';
import type { LeadDetail } from './lead-detail-page';
import { SectionCard } from './section-card';

type Activity = LeadDetail['activity'][number];

const ICONS: Record<string, typeof IconNote> = {
  note: IconNote,
  status: IconArrowsExchange,
  assignee: IconUserCheck,
  restricted: IconLock,
  legal_hold: IconScale,
};

function isLeadStatus(value: string | null): value is LeadStatus {
  return LEAD_STATUSES.some((status) => status === value);
}

/** Status changes store raw enum values; everything else is shown as stored. */
function describeValue(t: TFunction, kind: string, value: string | null): string {
  if (value === null || value === '') return '—';
  if (kind === 'status' && isLeadStatus(value)) return t(`leadStatus.${value}`);
  if (value === 'true') return t('common.yes');
  if (value === 'false') return t('common.no');
  return value;
}

function ActivityBody({ item }: { item: Activity }) {
  const { t } = useTranslation();
  if (item.kind === 'note') {
    return (
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {item.body}
      </Text>
    );
  }
  if (item.kind === 'assignee') {
    return (
      <Text size="sm">
        {item.fromUserName ?? t('lead.unassigned')} → {item.toUserName ?? t('lead.unassigned')}
      </Text>
    );
  }
  return (
    <Text size="sm">
      {describeValue(t, item.kind, item.fromValue)} → {describeValue(t, item.kind, item.toValue)}
      {item.body ? (
        <Text span size="sm" c="dimmed" display="block">
          {item.body}
        </Text>
      ) : null}
    </Text>
  );
}

export function LeadActivity({ activity }: { activity: LeadDetail['activity'] }) {
  const { t } = useTranslation();
  return (
    <SectionCard title={t('lead.activity')}>
      {activity.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('lead.activityEmpty')}
        </Text>
      ) : (
        <Timeline bulletSize={26} lineWidth={2} active={activity.length - 1}>
          {activity.map((item) => {
            const Icon = ICONS[item.kind] ?? IconPoint;
            return (
              <Timeline.Item
                key={item.id}
                bullet={<Icon aria-hidden size={14} />}
                title={translateOpen(t, 'activityKind', item.kind)}
              >
                <ActivityBody item={item} />
                <Text size="xs" c="dimmed" mt={4}>
                  {item.actorName ? `${item.actorName} · ` : ''}
                  {formatDateTime(item.at)}
                </Text>
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
    </SectionCard>
  );
}
