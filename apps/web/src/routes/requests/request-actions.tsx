import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  DSR_MAX_EXTENSION_MONTHS,
  type DsrStatus,
  dsrExtendInput,
  transitionNeedsNote,
} from '@mg/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../../components/confirm-modal';
import { applyApiError, notifyApiError, zodResolver } from '../../lib/form-errors';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { SectionCard } from '../leads/section-card';

type Request = RouterOutputs['dsr']['byId'];

function useRefresh() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.dsr.pathFilter());
}

/** Confirm a status change; a note is asked for (and required where the rule says so). */
function TransitionModal({
  request,
  to,
  onClose,
}: {
  request: Request;
  to: DsrStatus;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const needsNote = transitionNeedsNote(to);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { note: '' },
    validate: {
      note: (v: string) => (needsNote && !v.trim() ? t('validation.required') : null),
    },
  });
  const move = useMutation(
    trpc.dsr.transition.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        notifications.show({
          color: 'teal',
          message: result.mailed ? t('requests.movedAndMailed') : t('requests.moved'),
        });
        onClose();
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  const mails = (to === 'completed' || to === 'rejected') && request.subjectEmail;
  return (
    <Modal opened onClose={onClose} title={t(`requests.actions.${to}`)} centered>
      <form
        noValidate
        onSubmit={form.onSubmit((v) =>
          move.mutate({ id: request.id, to, note: v.note.trim() || undefined }),
        )}
      >
        <Stack>
          <Text size="sm">{t(`requests.confirm.${to}`)}</Text>
          <Textarea
            label={t(`requests.noteLabel.${to}`)}
            required={needsNote}
            autosize
            minRows={3}
            maxRows={10}
            data-autofocus
            key={form.key('note')}
            {...form.getInputProps('note')}
          />
          {mails ? (
            <Alert color="blue" variant="light">
              {t('requests.mailNotice', { email: request.subjectEmail })}
            </Alert>
          ) : null}
          {(to === 'completed' || to === 'rejected') && !request.subjectEmail ? (
            <Alert color="yellow" variant="light">
              {t('requests.noMailNotice')}
            </Alert>
          ) : null}
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose} disabled={move.isPending}>
              {t('common.cancel')}
            </Button>
            <Button
              type="submit"
              loading={move.isPending}
              color={to === 'rejected' ? 'red' : undefined}
            >
              {t(`requests.actions.${to}`)}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ExtendModal({ request, onClose }: { request: Request; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { months: '2', reason: '' },
    validate: zodResolver(dsrExtendInput, (v: { months: string; reason: string }) => ({
      id: request.id,
      months: Number(v.months),
      reason: v.reason,
    })),
  });
  const extend = useMutation(
    trpc.dsr.extend.mutationOptions({
      onSuccess: async () => {
        await refresh();
        notifications.show({ color: 'teal', message: t('requests.extended') });
        onClose();
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  return (
    <Modal opened onClose={onClose} title={t('requests.extend')} centered>
      <form
        noValidate
        onSubmit={form.onSubmit((v) =>
          extend.mutate({ id: request.id, months: Number(v.months), reason: v.reason }),
        )}
      >
        <Stack>
          <Text size="sm">{t('requests.extendHelp')}</Text>
          <Select
            label={t('requests.extendMonths')}
            allowDeselect={false}
            data={Array.from({ length: DSR_MAX_EXTENSION_MONTHS }, (_, i) => ({
              value: String(i + 1),
              label: t('requests.months', { count: i + 1 }),
            }))}
            key={form.key('months')}
            {...form.getInputProps('months')}
          />
          <Textarea
            label={t('requests.extendReason')}
            description={t('requests.extendReasonHint')}
            required
            autosize
            minRows={2}
            data-autofocus
            key={form.key('reason')}
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose} disabled={extend.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={extend.isPending}>
              {t('requests.extend')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The actions the request's status allows (the shared transition table), each confirmed. */
export function RequestActions({ request }: { request: Request }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const refresh = useRefresh();
  const [target, setTarget] = useState<DsrStatus | null>(null);
  const [extending, setExtending] = useState(false);
  const [sending, setSending] = useState(false);
  const sendLink = useMutation(
    trpc.dsr.sendLink.mutationOptions({
      onSuccess: async (result) => {
        setSending(false);
        await refresh();
        notifications.show({
          color: 'teal',
          message: t('requests.linkSent', { count: result.sent }),
        });
      },
      onError: (error) => {
        setSending(false);
        notifyApiError(error);
      },
    }),
  );
  const open = request.next.length > 0;
  return (
    <SectionCard title={t('requests.actionsTitle')}>
      {open ? null : (
        <Text size="sm" c="dimmed">
          {t('requests.closedHelp')}
        </Text>
      )}
      {request.status === 'received' ? (
        <Text size="sm" c="dimmed">
          {t('requests.verifyHelp')}
        </Text>
      ) : null}
      <Group gap="sm">
        {request.status === 'received' ? (
          <Button variant="light" onClick={() => setSending(true)}>
            {t('requests.sendLink')}
          </Button>
        ) : null}
        {request.next.map((to) => (
          <Button
            key={to}
            variant={to === 'rejected' ? 'outline' : 'filled'}
            color={to === 'rejected' ? 'red' : undefined}
            onClick={() => setTarget(to)}
          >
            {t(`requests.actions.${to}`)}
          </Button>
        ))}
        {open && request.extensionMonths === null ? (
          <Button variant="default" onClick={() => setExtending(true)}>
            {t('requests.extend')}
          </Button>
        ) : null}
      </Group>
      {target ? (
        <TransitionModal request={request} to={target} onClose={() => setTarget(null)} />
      ) : null}
      {extending ? <ExtendModal request={request} onClose={() => setExtending(false)} /> : null}
      <ConfirmModal
        opened={sending}
        title={t('requests.sendLink')}
        confirmLabel={t('requests.sendLinkConfirm')}
        loading={sendLink.isPending}
        onConfirm={() => sendLink.mutate({ id: request.id })}
        onClose={() => setSending(false)}
      >
        <Text size="sm">
          {request.subjectEmail
            ? t('requests.sendLinkTo', { email: request.subjectEmail })
            : t('requests.sendLinkToLeads')}
        </Text>
      </ConfirmModal>
    </SectionCard>
  );
}
