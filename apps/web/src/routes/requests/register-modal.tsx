import { Button, Group, Modal, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  DSR_CHANNELS,
  DSR_TYPES,
  type DsrChannel,
  type DsrType,
  dsrCreateFormInput,
  dsrEarliestReceivedDate,
  osloDate,
} from '@mg/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useNavigate } from 'react-router';
import { DateInput } from '../../components/dates';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { parseTypedDate } from './typed-date';

type Values = {
  type: string;
  email: string;
  phone: string;
  channel: string;
  receivedDate: string;
  message: string;
};

/** Register a request received by e-mail, phone or letter; opens the new request afterwards. */
export function RegisterRequestModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const today = osloDate();
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: {
      type: 'access',
      email: '',
      phone: '',
      channel: 'email',
      receivedDate: today,
      message: '',
    },
    validate: zodResolver(dsrCreateFormInput),
  });
  const create = useMutation(
    trpc.dsr.create.mutationOptions({
      onSuccess: async ({ id }) => {
        await queryClient.invalidateQueries(trpc.dsr.pathFilter());
        notifications.show({ color: 'teal', message: t('requests.registered') });
        onClose();
        void navigate(`/requests/${id}`);
      },
      onError: (error) => applyApiError(form, error),
    }),
  );

  return (
    <Modal opened onClose={onClose} title={t('requests.register')} centered size="lg">
      <form
        noValidate
        onSubmit={form.onSubmit((values) =>
          // The form's selects hold strings; the resolver has checked them against the enums.
          create.mutate({
            ...values,
            type: values.type as DsrType,
            channel: values.channel as DsrChannel,
          }),
        )}
      >
        <Stack>
          <Select
            label={t('requests.type')}
            required
            allowDeselect={false}
            data={DSR_TYPES.map((v) => ({ value: v, label: t(`requests.types.${v}`) }))}
            key={form.key('type')}
            {...form.getInputProps('type')}
          />
          <Group grow align="flex-start" wrap="wrap">
            <TextInput
              label={t('requests.email')}
              type="email"
              autoComplete="off"
              miw={200}
              key={form.key('email')}
              {...form.getInputProps('email')}
            />
            <TextInput
              label={t('requests.phone')}
              type="tel"
              autoComplete="off"
              miw={160}
              key={form.key('phone')}
              {...form.getInputProps('phone')}
            />
          </Group>
          <Group grow align="flex-start" wrap="wrap">
            <Select
              label={t('requests.channel')}
              required
              allowDeselect={false}
              miw={160}
              data={DSR_CHANNELS.map((v) => ({ value: v, label: t(`requests.channels.${v}`) }))}
              key={form.key('channel')}
              {...form.getInputProps('channel')}
            />
            <DateInput
              label={t('requests.receivedDate')}
              description={t('requests.receivedDateHint')}
              required
              valueFormat="L"
              miw={160}
              minDate={dsrEarliestReceivedDate()}
              maxDate={today}
              dateParser={parseTypedDate}
              key={form.key('receivedDate')}
              {...form.getInputProps('receivedDate')}
              onChange={(value) =>
                form.setFieldValue('receivedDate', value ? dayjs(value).format('YYYY-MM-DD') : '')
              }
            />
          </Group>
          <Textarea
            label={t('requests.message')}
            description={t('requests.messageHint')}
            autosize
            minRows={2}
            maxRows={6}
            key={form.key('message')}
            {...form.getInputProps('message')}
          />
          <Group justify="flex-end" gap="xs" mt="sm">
            <Button variant="default" onClick={onClose} disabled={create.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('requests.register')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
