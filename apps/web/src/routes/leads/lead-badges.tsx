import { Badge, Group } from '@mantine/core';
import type { LeadStatus } from '@mg/shared';
import { IconLock, IconMail, IconMessage, IconScale, IconUserOff } from '@tabler/icons-react';
import { DeferredTooltip } from '../../components/lazy/tooltip';
import { formatDate } from '../../lib/format';
import { useTranslation } from '../../lib/use-translation';

/** Also the grid's cell badges (lead-columns.tsx). */
export const STATUS_COLORS: Record<LeadStatus, string> = {
  new: 'blue',
  contacted: 'cyan',
  follow_up: 'yellow',
  sold: 'teal',
  closed: 'gray',
};

export function LeadStatusBadge({ status }: { status: LeadStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLORS[status]} variant="light">
      {t(`leadStatus.${status}`)}
    </Badge>
  );
}

/** Marketing consent at a glance; the text, not just the colour, says granted or not. */
export function ConsentBadges({ email, sms }: { email: boolean; sms: boolean }) {
  const { t } = useTranslation();
  const channels = [
    { key: 'email', granted: email, label: t('consent.email'), Icon: IconMail },
    { key: 'sms', granted: sms, label: t('consent.sms'), Icon: IconMessage },
  ] as const;
  return (
    <Group gap={4} wrap="nowrap" preventGrowOverflow={false}>
      {channels.map(({ key, granted, label, Icon }) => {
        const description = t(granted ? 'consent.grantedFor' : 'consent.notGrantedFor', {
          channel: label,
        });
        return (
          <DeferredTooltip key={key} label={description}>
            <Badge
              color={granted ? 'teal' : 'gray'}
              variant={granted ? 'light' : 'outline'}
              leftSection={<Icon aria-hidden size={12} />}
              aria-label={description}
              // Badges clip their label, so in a flex row they would shrink to nothing.
              style={{ flexShrink: 0, opacity: granted ? 1 : 0.7 }}
            >
              {label}
            </Badge>
          </DeferredTooltip>
        );
      })}
    </Group>
  );
}

type Flags = {
  restricted: boolean;
  legalHold: boolean;
  anonymisedAt: number | null;
};

/** The flags that change what may be done with a lead (GDPR art. 17, 18). */
export function LeadFlagBadges({ restricted, legalHold, anonymisedAt }: Flags) {
  const { t } = useTranslation();
  if (!restricted && !legalHold && anonymisedAt === null) return null;
  return (
    <Group gap={4} preventGrowOverflow={false}>
      {anonymisedAt !== null ? (
        <Badge color="dark" variant="light" leftSection={<IconUserOff aria-hidden size={12} />}>
          {t('lead.flags.anonymised', { date: formatDate(anonymisedAt) })}
        </Badge>
      ) : null}
      {restricted ? (
        <Badge color="orange" variant="light" leftSection={<IconLock aria-hidden size={12} />}>
          {t('lead.flags.restricted')}
        </Badge>
      ) : null}
      {legalHold ? (
        <Badge color="red" variant="light" leftSection={<IconScale aria-hidden size={12} />}>
          {t('lead.flags.legalHold')}
        </Badge>
      ) : null}
    </Group>
  );
}
