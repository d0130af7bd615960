import { Button, Group, Modal, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { policyPublishInput } from '@mg/shared';
import { IconCalendar } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ConfirmModal } from '../../components/confirm-modal';
import { DatePickerInput } from '../../components/dates';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { formatDay } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

type Values = { label: string; effectiveDate: string | null; body: string };

const toInput = (values: Values) => ({ ...values, effectiveDate: values.effectiveDate ?? '' });

function Required() {
  const { t } = useTranslation();
  return t('validation.required');
}

/**
 * Two steps: the form, then a confirmation that says what publishing does (and does not do).
 * The form lives here rather than in the dialog, so going back keeps what was typed and a
 * server error lands next to its field.
 */
export function PublishPolicyModal({
  startFrom,
  onClose,
}: {
  /** The version whose text the new one starts from (prefilled, to edit), if any. */
  startFrom: { label: string; body: string } | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<'form' | 'confirm'>('form');
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { label: '', effectiveDate: null, body: startFrom?.body ?? '' },
    validate: (values) => {
      const errors = zodResolver<Values>(policyPublishInput, toInput)(values);
      // The schema calls an empty date invalid; to a person it is simply missing.
      if (!values.effectiveDate) errors.effectiveDate = <Required />;
      return errors;
    },
  });

  const publish = useMutation(
    trpc.policy.publish.mutationOptions({
      onSuccess: async (_result, input) => {
        await queryClient.invalidateQueries(trpc.policy.pathFilter());
        notifications.show({
          color: 'teal',
          message: t('policy.published', { label: input.label }),
        });
        onClose();
      },
      onError: (error) => {
        setStep('form');
        applyApiError(form, error);
      },
    }),
  );

  const { label, effectiveDate } = form.getValues();

  return (
    <>
      <Modal opened={step === 'form'} onClose={onClose} title={t('policy.publish')} size="xl">
        <form noValidate onSubmit={form.onSubmit(() => setStep('confirm'))}>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
              <TextInput
                label={t('policy.label')}
                description={t('policy.labelHint')}
                required
                data-autofocus
                autoComplete="off"
                key={form.key('label')}
                {...form.getInputProps('label')}
              />
              <DatePickerInput
                label={t('policy.effectiveDate')}
                description={t('policy.effectiveDateHint')}
                placeholder={t('policy.datePlaceholder')}
                required
                valueFormat="L"
                leftSection={<IconCalendar aria-hidden size={16} />}
                key={form.key('effectiveDate')}
                {...form.getInputProps('effectiveDate')}
                onChange={(value) =>
                  form.setFieldValue(
                    'effectiveDate',
                    value ? dayjs(value).format('YYYY-MM-DD') : null,
                  )
                }
              />
            </SimpleGrid>
            <Textarea
              label={t('policy.body')}
              description={
                startFrom
                  ? `${t('policy.bodyHint')} ${t('policy.startsFrom', { label: startFrom.label })}`
                  : t('policy.bodyHint')
              }
              required
              autosize
              minRows={10}
              maxRows={24}
              key={form.key('body')}
              {...form.getInputProps('body')}
            />
            <Group justify="flex-end" gap="xs" mt="sm">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit">{t('policy.publish')}</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <ConfirmModal
        opened={step === 'confirm'}
        title={t('policy.confirmTitle', { label: label.trim() })}
        confirmLabel={t('policy.confirm')}
        loading={publish.isPending}
        onClose={() => setStep('form')}
        onConfirm={() => publish.mutate(policyPublishInput.parse(toInput(form.getValues())))}
      >
        <Text size="sm">{t('policy.confirmBody', { date: formatDay(effectiveDate) })}</Text>
        <Text size="sm" c="dimmed">
          {t('policy.confirmPermanent')}
        </Text>
      </ConfirmModal>
    </>
  );
}
