import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CONSENT_PURPOSES, type ConsentPurpose } from '@mg/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Fragment, type ReactNode, useState } from 'react';
import { ConfirmModal } from '../../components/confirm-modal';
import { useCan, useCurrentUser } from '../../lib/auth';
import { notifyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import type { LeadDetail } from './lead-detail-page';
import { SectionCard } from './section-card';

type Props = { lead: LeadDetail['lead']; events: LeadDetail['consent'] };
type ConsentEvent = LeadDetail['consent'][number];

/** Badges clip their label; in a narrow table cell they would shrink to "Trukk…". */
const NO_CLIP = { minWidth: 'max-content' } as const;

const CHANNEL: Record<ConsentPurpose, 'consent.email' | 'consent.sms'> = {
  marketing_email: 'consent.email',
  marketing_sms: 'consent.sms',
};

type CurrentState = 'granted' | 'withdrawn' | 'suppressed' | 'notGranted';

const STATE_BADGE: Record<CurrentState, { color: string; key: `consent.${CurrentState}` }> = {
  granted: { color: 'teal', key: 'consent.granted' },
  withdrawn: { color: 'red', key: 'consent.withdrawn' },
  suppressed: { color: 'orange', key: 'consent.suppressed' },
  notGranted: { color: 'gray', key: 'consent.notGranted' },
};

/**
 * A form event that is not a grant means the box was ticked but the address is on the
 * suppression list (someone who opted out cannot be re-subscribed by a new form); it stays
 * so until the person confirms through the receipt's link (a 'double_opt_in' event).
 */
function isSuppressedAtIntake(event: ConsentEvent) {
  return event.source === 'form' && !event.granted;
}

/** Events arrive newest first: the first one for a purpose is its latest. */
function currentState(
  granted: boolean,
  purpose: ConsentPurpose,
  events: ConsentEvent[],
): CurrentState {
  if (granted) return 'granted';
  const latest = events.find((event) => event.purpose === purpose);
  if (!latest || latest.granted) return 'notGranted';
  return isSuppressedAtIntake(latest) ? 'suppressed' : 'withdrawn';
}

export function LeadConsent({ lead, events }: Props) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canWithdraw = useCan('consent:withdraw');
  const user = useCurrentUser();
  // Kept after closing, so the dialog's text does not change while it fades out.
  const [target, setTarget] = useState<ConsentPurpose>('marketing_email');
  const [confirming, setConfirming] = useState(false);
  const anonymised = lead.anonymisedAt !== null;

  // The lead's columns hold the latest event per purpose; the table below is the full story.
  const current: Record<ConsentPurpose, boolean> = {
    marketing_email: lead.consentEmail,
    marketing_sms: lead.consentSms,
  };

  const withdraw = useMutation(
    trpc.consent.withdraw.mutationOptions({
      onSuccess: async (result) => {
        // The lead page, the list's consent column and the audience counts all change.
        await Promise.all([
          queryClient.invalidateQueries(trpc.lead.pathFilter()),
          queryClient.invalidateQueries(trpc.audience.pathFilter()),
        ]);
        setConfirming(false);
        notifications.show(
          result.changed
            ? { color: 'teal', message: t('consent.withdrawDone') }
            : { color: 'blue', message: t('consent.withdrawUnchanged') },
        );
      },
      onError: (error) => {
        setConfirming(false);
        notifyApiError(error);
      },
    }),
  );

  // Staff withdrawals carry no policy version; form events carry the lead's own.
  const policyLabel = (event: ConsentEvent) =>
    event.policyVersionId !== null &&
    event.policyVersionId === lead.policyVersionId &&
    lead.policyLabel
      ? lead.policyLabel
      : null;

  return (
    <SectionCard title={t('lead.consentTitle')}>
      <Stack gap="xs">
        {CONSENT_PURPOSES.map((purpose) => {
          const state = currentState(current[purpose], purpose, events);
          const purposeLabel = t(`consent.purpose.${purpose}`);
          return (
            <Group key={purpose} justify="space-between" gap="xs">
              <Stack gap={2} align="flex-start">
                <Text size="sm">{purposeLabel}</Text>
                <Badge color={STATE_BADGE[state].color} variant="light" style={NO_CLIP}>
                  {t(STATE_BADGE[state].key)}
                </Badge>
              </Stack>
              {/* Nobody can ask on behalf of an anonymised lead: there is no one to match. */}
              {canWithdraw && state === 'granted' && !anonymised ? (
                <Button
                  size="compact-sm"
                  variant="default"
                  aria-label={t('consent.withdrawFor', { purpose: purposeLabel })}
                  onClick={() => {
                    setTarget(purpose);
                    setConfirming(true);
                  }}
                >
                  {t('consent.withdraw')}
                </Button>
              ) : null}
            </Group>
          );
        })}
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
              {events.map((event) => {
                const label = policyLabel(event);
                const how: ReactNode[] = [t(`consent.source.${event.source}`)];
                if (event.actorName) how.push(event.actorName);
                // A label such as "2024-06-17" must not break at its hyphens.
                if (label)
                  how.push(
                    <>
                      {t('lead.consentPolicy')}{' '}
                      <span style={{ whiteSpace: 'nowrap' }}>{label}</span>
                    </>,
                  );
                return (
                  <Table.Tr key={event.id}>
                    <Table.Td>{t(CHANNEL[event.purpose])}</Table.Td>
                    <Table.Td>
                      <Badge
                        color={
                          event.granted ? 'teal' : isSuppressedAtIntake(event) ? 'orange' : 'red'
                        }
                        variant="dot"
                        style={NO_CLIP}
                      >
                        {event.granted
                          ? t('consent.eventGranted')
                          : isSuppressedAtIntake(event)
                            ? t('consent.suppressed')
                            : t('consent.eventWithdrawn')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDateTime(event.at)}</Text>
                      <Text size="xs" c="dimmed">
                        {how.map((part, index) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, ordered list
                          <Fragment key={index}>
                            {index > 0 ? ' · ' : null}
                            {part}
                          </Fragment>
                        ))}
                      </Text>
                      {isSuppressedAtIntake(event) ? (
                        <Text size="xs" c="orange.9">
                          {t('consent.suppressedNote')}
                        </Text>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal
        opened={confirming}
        title={t('consent.withdrawTitle')}
        confirmLabel={t('consent.withdrawConfirm')}
        danger
        loading={withdraw.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => withdraw.mutate({ leadId: lead.id, purpose: target })}
      >
        <Text size="sm">
          {t('consent.withdrawBody', {
            purpose: t(`consent.purpose.${target}`),
            actor: user.name,
          })}
        </Text>
        {lead.email ? (
          <Text size="sm" c="dimmed">
            {t('consent.withdrawSuppression')}
          </Text>
        ) : null}
      </ConfirmModal>
    </SectionCard>
  );
}
