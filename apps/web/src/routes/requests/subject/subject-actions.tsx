import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { SubjectAction } from '@mg/shared';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/confirm-modal';
import { applyApiError, notifyApiError } from '../../../lib/form-errors';
import { useTRPC } from '../../../lib/trpc';
import { useTranslation } from '../../../lib/use-translation';
import { SubjectSection } from './section';
import type { SubjectView } from './types';

type Dialog = Exclude<SubjectAction, 'export'> | null;

/**
 * What may be done on the request now (the API decides: verified, open, and the request's
 * type). Destructive actions (erasure, restriction, objection, withdrawal) ask first.
 */
export function SubjectActions({ view }: { view: SubjectView }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const requestId = view.request.id;
  const allowed = new Set<SubjectAction>(view.allowedActions);
  const open = view.leads.filter((l) => l.anonymisedAt === null);
  const held = open.filter((l) => l.legalHold);

  const done = async (message: string) => {
    setDialog(null);
    notifications.show({ color: 'green', message });
    await Promise.all([
      queryClient.invalidateQueries(trpc.subject.pathFilter()),
      queryClient.invalidateQueries(trpc.lead.pathFilter()),
    ]);
  };
  const erase = useMutation(
    trpc.subject.erase.mutationOptions({
      onSuccess: (r) =>
        done(t('subject.erased', { count: r.anonymised.length, kept: r.kept.length })),
      onError: notifyApiError,
    }),
  );
  const withdraw = useMutation(
    trpc.subject.withdrawConsent.mutationOptions({
      onSuccess: () => done(t('subject.withdrawn')),
      onError: notifyApiError,
    }),
  );

  if (allowed.size === 0)
    return (
      <SubjectSection title={t('subject.actionsTitle')}>
        <Text size="sm" c="dimmed">
          {t('subject.noActionsAllowed')}
        </Text>
      </SubjectSection>
    );

  return (
    <SubjectSection title={t('subject.actionsTitle')}>
      <Group gap="sm">
        {allowed.has('export') ? (
          <Button
            component="a"
            href={`/api/requests/${requestId}/subject.json`}
            download
            leftSection={<IconDownload aria-hidden size={16} />}
            // The download is recorded on the request: show it once the file has been made.
            onClick={() =>
              setTimeout(() => void queryClient.invalidateQueries(trpc.subject.pathFilter()), 1500)
            }
          >
            {t('subject.export')}
          </Button>
        ) : null}
        {allowed.has('rectify') ? (
          <Button
            variant="default"
            onClick={() => setDialog('rectify')}
            disabled={open.length === 0}
          >
            {t('subject.rectify')}
          </Button>
        ) : null}
        {allowed.has('restrict') ? (
          <Button color="orange" onClick={() => setDialog('restrict')} disabled={open.length === 0}>
            {t('subject.restrict')}
          </Button>
        ) : null}
        {allowed.has('object') ? (
          <Button color="orange" onClick={() => setDialog('object')} disabled={open.length === 0}>
            {t('subject.object')}
          </Button>
        ) : null}
        {allowed.has('withdraw_consent') ? (
          <Button
            color="orange"
            onClick={() => setDialog('withdraw_consent')}
            disabled={open.length === 0}
          >
            {t('subject.withdraw')}
          </Button>
        ) : null}
        {allowed.has('erase') ? (
          <Button
            color="red"
            onClick={() => setDialog('erase')}
            // Nothing left to erase: every remaining lead is under legal hold.
            disabled={open.length - held.length === 0}
          >
            {t('subject.erase')}
          </Button>
        ) : null}
      </Group>
      {allowed.has('export') ? (
        <Text size="xs" c="dimmed">
          {t('subject.exportHelp')}
        </Text>
      ) : null}

      <ConfirmModal
        opened={dialog === 'erase'}
        title={t('subject.eraseTitle')}
        confirmLabel={t('subject.eraseConfirm', { count: open.length - held.length })}
        danger
        loading={erase.isPending}
        onConfirm={() => erase.mutate({ requestId })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">{t('subject.eraseBody', { count: open.length - held.length })}</Text>
        {held.length > 0 ? (
          <Alert color="red" variant="light">
            {t('subject.eraseHeld', { ids: held.map((l) => `#${l.id}`).join(', ') })}
          </Alert>
        ) : null}
      </ConfirmModal>

      <ConfirmModal
        opened={dialog === 'withdraw_consent'}
        title={t('subject.withdrawTitle')}
        confirmLabel={t('subject.withdraw')}
        danger
        loading={withdraw.isPending}
        onConfirm={() => withdraw.mutate({ requestId })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">{t('subject.withdrawBody', { count: open.length })}</Text>
      </ConfirmModal>

      <ReasonModal
        kind={dialog === 'restrict' || dialog === 'object' ? dialog : null}
        requestId={requestId}
        count={open.length}
        onDone={done}
        onClose={() => setDialog(null)}
      />
      <RectifyModal
        opened={dialog === 'rectify'}
        view={view}
        onDone={done}
        onClose={() => setDialog(null)}
      />
    </SubjectSection>
  );
}

/** Restriction and objection: both need a reason, and ask before they act. */
function ReasonModal({
  kind,
  requestId,
  count,
  onDone,
  onClose,
}: {
  kind: 'restrict' | 'object' | null;
  requestId: number;
  count: number;
  onDone: (message: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const form = useForm({
    initialValues: { reason: '', kind: 'marketing' as 'marketing' | 'other' },
  });
  const restrict = useMutation(
    trpc.subject.restrict.mutationOptions({
      onSuccess: (r) => onDone(t('subject.restricted', { count: r.restricted.length })),
      onError: (e) => applyApiError(form, e),
    }),
  );
  const object = useMutation(
    trpc.subject.object.mutationOptions({
      onSuccess: (r) => onDone(t('subject.objected', { count: r.objections })),
      onError: (e) => applyApiError(form, e),
    }),
  );
  const pending = restrict.isPending || object.isPending;
  return (
    <Modal
      opened={kind !== null}
      onClose={onClose}
      centered
      title={kind === 'object' ? t('subject.objectTitle') : t('subject.restrictTitle')}
    >
      <form
        onSubmit={form.onSubmit((values) => {
          if (kind === 'restrict') restrict.mutate({ requestId, reason: values.reason });
          if (kind === 'object')
            object.mutate({ requestId, reason: values.reason, kind: values.kind });
        })}
      >
        <Stack>
          <Text size="sm">
            {t(kind === 'object' ? 'subject.objectBody' : 'subject.restrictBody', { count })}
          </Text>
          {kind === 'object' ? (
            <Radio.Group label={t('subject.objectKindLabel')} {...form.getInputProps('kind')}>
              <Stack gap={6} mt={4}>
                <Radio value="marketing" label={t('subject.objectKind.marketing')} />
                <Radio value="other" label={t('subject.objectKind.other')} />
              </Stack>
            </Radio.Group>
          ) : null}
          <Textarea
            label={t('subject.reason')}
            required
            autosize
            minRows={2}
            maxLength={1000}
            {...form.getInputProps('reason')}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose} disabled={pending} data-autofocus>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="orange" loading={pending}>
              {kind === 'object' ? t('subject.object') : t('subject.restrict')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type RectifyValues = {
  leadIds: string[];
  name: string;
  email: string;
  phone: string;
  message: string;
};

/** Correct the person's details on one or all of their leads; empty fields stay as they are. */
function RectifyModal({
  opened,
  view,
  onDone,
  onClose,
}: {
  opened: boolean;
  view: SubjectView;
  onDone: (message: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const open = view.leads.filter((l) => l.anonymisedAt === null);
  const form = useForm<RectifyValues>({
    initialValues: {
      leadIds: open.map((l) => String(l.id)),
      name: '',
      email: '',
      phone: '',
      message: '',
    },
  });
  const rectify = useMutation(
    trpc.subject.rectify.mutationOptions({
      onSuccess: (r) => {
        form.reset();
        return onDone(
          r.fields.length === 0
            ? t('subject.rectifiedNothing')
            : t('subject.rectified', {
                fields: r.fields.map((f) => t(`subject.field.${f}`)).join(', '),
                count: r.changed,
              }),
        );
      },
      onError: (e) => applyApiError(form, e),
    }),
  );
  const given = (v: string) => (v.trim() === '' ? undefined : v);
  return (
    <Modal opened={opened} onClose={onClose} centered size="lg" title={t('subject.rectifyTitle')}>
      <form
        onSubmit={form.onSubmit((v) =>
          rectify.mutate({
            requestId: view.request.id,
            leadIds: v.leadIds.map(Number),
            name: given(v.name),
            email: given(v.email),
            phone: given(v.phone),
            message: given(v.message),
          }),
        )}
      >
        <Stack>
          <Checkbox.Group label={t('subject.rectifyLeads')} {...form.getInputProps('leadIds')}>
            <Stack gap={6} mt={4}>
              {open.map((l) => (
                <Checkbox
                  key={l.id}
                  value={String(l.id)}
                  label={`#${l.id} · ${l.projectName} · ${l.subsidiaryName} (${l.name ?? ''}, ${l.email ?? ''})`}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <Text size="sm" c="dimmed">
            {t('subject.rectifyHelp')}
          </Text>
          <TextInput
            label={t('subject.field.name')}
            maxLength={120}
            {...form.getInputProps('name')}
          />
          <TextInput
            label={t('subject.field.email')}
            type="email"
            maxLength={254}
            {...form.getInputProps('email')}
          />
          <TextInput
            label={t('subject.field.phone')}
            maxLength={30}
            {...form.getInputProps('phone')}
          />
          <Textarea
            label={t('subject.field.message')}
            autosize
            minRows={2}
            maxLength={2000}
            {...form.getInputProps('message')}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose} disabled={rectify.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={rectify.isPending}>
              {t('subject.rectifySave')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
