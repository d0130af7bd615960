import { Badge } from '@mantine/core';
import type { DsrStatus, DsrUrgency } from '@mg/shared';
import { IconAlertTriangle, IconClock } from '@tabler/icons-react';
import { useTranslation } from '../../lib/use-translation';

const STATUS_COLOR: Record<DsrStatus, string> = {
  received: 'blue',
  identity_verified: 'teal',
  in_progress: 'violet',
  completed: 'gray',
  rejected: 'dark',
};

export function DsrStatusBadge({ status }: { status: DsrStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLOR[status]} variant="light">
      {t(`requests.status.${status}`)}
    </Badge>
  );
}

/**
 * Loud on purpose: an overdue request is a breach of art. 12(3), so it is filled red with an
 * icon (colour is never the only sign); due within 7 days is orange.
 */
export function DsrUrgencyBadge({ urgency }: { urgency: DsrUrgency }) {
  const { t } = useTranslation();
  if (urgency === 'overdue')
    return (
      <Badge color="red" variant="filled" leftSection={<IconAlertTriangle aria-hidden size={12} />}>
        {t('requests.urgency.overdue')}
      </Badge>
    );
  if (urgency === 'dueSoon')
    return (
      <Badge color="orange" variant="filled" leftSection={<IconClock aria-hidden size={12} />}>
        {t('requests.urgency.dueSoon')}
      </Badge>
    );
  return null;
}
