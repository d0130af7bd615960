import { Button, Group, Modal, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../lib/auth';
import { notifyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { SectionCard } from './section-card';

type Action = 'hold' | 'restrict' | 'object';

/**
 * Legal hold, restriction (art. 18) and objections (art. 21) for the privacy officer and the
 * administrator: each change asks for a reason, shown with who and when.
 */
export function LeadPrivacyCard({ leadId }: { leadId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canHold = useCan('lead:hold');
  const canRestrict = useCan('lead:restrict');
  const privacy = useQuery(trpc.lead.privacy.queryOptions({ id: leadId }));
  const [action, setAction] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<'marketing' | 'other'>('other');
  const [error, setError] = useState<string | null>(null);

  const done = async (message: string) => {
    setAction(null);
    setReason('');
    await Promise.all([
      queryClient.invalidateQueries(trpc.lead.privacy.queryFilter({ id: leadId })),
      queryClient.invalidateQueries(trpc.lead.byId.queryFilter({ id: leadId })),
      queryClient.invalidateQueries(trpc.lead.list.pathFilter()),
    ]);
    notifications.show({ color: 'green', message });
  };
  const hold = useMutation(
    trpc.lead.setLegalHold.mutationOptions({
      onSuccess: () => done(t('common.saved')),
      onError: notifyApiError,
    }),
  );
  const restrict = useMutation(
    trpc.lead.setRestricted.mutationOptions({
      onSuccess: () => done(t('common.saved')),
      onError: notifyApiError,
    }),
  );
  const object = useMutation(
    trpc.lead.object.mutationOptions({
      onSuccess: () => done(t('lead.privacy.objectionRecorded')),
      onError: notifyApiError,
    }),
  );
  const data = privacy.data;
  if (!data || (!canHold && !canRestrict)) return null;
  const anonymised = data.anonymisedAt !== null;

  const submit = () => {
    const text = reason.trim();
    if (!text) {
      setError(t('validation.required'));
      return;
    }
    setError(null);
    if (action === 'hold') hold.mutate({ id: leadId, on: !data.legalHold, reason: text });
    if (action === 'restrict') restrict.mutate({ id: leadId, on: !data.restricted, reason: text });
    if (action === 'object') object.mutate({ id: leadId, kind, reason: text });
  };
  const title =
    action === 'hold'
      ? t(data.legalHold ? 'lead.privacy.liftHold' : 'lead.privacy.setHold')
      : action === 'restrict'
        ? t(data.restricted ? 'lead.privacy.liftRestriction' : 'lead.privacy.restrict')
        : t('lead.privacy.recordObjection');
  const open = (next: Action) => {
    setAction(next);
    setReason('');
    setError(null);
  };

  return (
    <SectionCard title={t('lead.privacy.title')}>
      <Stack gap={4}>
        <Text size="sm">
          {data.legalHold
            ? t('lead.privacy.holdBy', {
                name: data.legalHoldByName ?? '–',
                date: data.legalHoldAt === null ? '–' : formatDateTime(data.legalHoldAt),
              })
            : t('lead.privacy.noHold')}
        </Text>
        <Text size="sm">
          {data.restricted
            ? t('lead.privacy.restrictedBy', {
                name: data.restrictedByName ?? '–',
                date: data.restrictedAt === null ? '–' : formatDateTime(data.restrictedAt),
              })
            : t('lead.privacy.notRestricted')}
        </Text>
        {data.restricted && data.restrictedReason ? (
          <Text size="sm" c="dimmed">
            {t('lead.privacy.reasonIs', { reason: data.restrictedReason })}
          </Text>
        ) : null}
        {data.objections.map((o) => (
          <Text size="sm" c="dimmed" key={o.id}>
            {t(`lead.privacy.objection.${o.kind}`)} · {formatDateTime(o.at)} · {o.actorName ?? '–'}
          </Text>
        ))}
      </Stack>
      {anonymised ? null : (
        <Group gap="xs">
          {canHold ? (
            <Button size="xs" variant="light" color="red" onClick={() => open('hold')}>
              {t(data.legalHold ? 'lead.privacy.liftHold' : 'lead.privacy.setHold')}
            </Button>
          ) : null}
          {canRestrict ? (
            <Button size="xs" variant="light" color="orange" onClick={() => open('restrict')}>
              {t(data.restricted ? 'lead.privacy.liftRestriction' : 'lead.privacy.restrict')}
            </Button>
          ) : null}
          {canRestrict ? (
            <Button size="xs" variant="default" onClick={() => open('object')}>
              {t('lead.privacy.recordObjection')}
            </Button>
          ) : null}
        </Group>
      )}
      <Modal opened={action !== null} onClose={() => setAction(null)} title={title} centered>
        <Stack>
          {action === 'object' ? (
            <SegmentedControl
              value={kind}
              onChange={(v) => setKind(v === 'marketing' ? 'marketing' : 'other')}
              data={[
                { value: 'other', label: t('lead.privacy.objection.other') },
                { value: 'marketing', label: t('lead.privacy.objection.marketing') },
              ]}
            />
          ) : null}
          {action === 'object' ? (
            <Text size="sm" c="dimmed">
              {t(
                kind === 'marketing'
                  ? 'lead.privacy.objectionMarketingHelp'
                  : 'lead.privacy.objectionOtherHelp',
              )}
            </Text>
          ) : null}
          <Textarea
            label={t('lead.privacy.reason')}
            required
            autosize
            minRows={2}
            maxLength={1000}
            value={reason}
            error={error}
            onChange={(e) => setReason(e.currentTarget.value)}
            data-autofocus
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setAction(null)}>
              {t('common.cancel')}
            </Button>
            <Button
              onClick={submit}
              loading={hold.isPending || restrict.isPending || object.isPending}
            >
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </SectionCard>
  );
}
