import { Button, Group, Modal, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { subsidiaryInput } from '@mg/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { formatOrgNumber } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import type { Subsidiary } from './subsidiaries-page';

type Props = {
  /** Null creates a new one. Mounted once per opening, so initial values are fresh. */
  subsidiary: Subsidiary | null;
  onClose: () => void;
};

const EMPTY = { name: '', orgNumber: '', contactEmail: '', active: true };

export function SubsidiaryFormModal({ subsidiary, onClose }: Props) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: subsidiary
      ? {
          name: subsidiary.name,
          orgNumber: formatOrgNumber(subsidiary.orgNumber),
          contactEmail: subsidiary.contactEmail,
          active: subsidiary.active,
        }
      : EMPTY,
    validate: zodResolver(subsidiaryInput),
  });

  const onSuccess = async () => {
    await queryClient.invalidateQueries(trpc.subsidiary.pathFilter());
    notifications.show({
      color: 'teal',
      message: subsidiary ? t('common.saved') : t('subsidiaries.created'),
    });
    onClose();
  };
  const onError = (error: unknown) => applyApiError(form, error);
  const create = useMutation(trpc.subsidiary.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.subsidiary.update.mutationOptions({ onSuccess, onError }));
  const saving = create.isPending || update.isPending;

  return (
    <Modal
      opened
      onClose={onClose}
      title={subsidiary ? t('subsidiaries.edit') : t('subsidiaries.new')}
      centered
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          if (subsidiary) update.mutate({ id: subsidiary.id, ...values });
          else create.mutate(values);
        })}
      >
        <Stack>
          <TextInput
            label={t('subsidiaries.name')}
            required
            data-autofocus
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <TextInput
            label={t('subsidiaries.orgNumber')}
            description={t('subsidiaries.orgNumberHint')}
            required
            inputMode="numeric"
            autoComplete="off"
            key={form.key('orgNumber')}
            {...form.getInputProps('orgNumber')}
          />
          <TextInput
            label={t('subsidiaries.contactEmail')}
            description={t('subsidiaries.contactEmailHint')}
            type="email"
            required
            key={form.key('contactEmail')}
            {...form.getInputProps('contactEmail')}
          />
          <Switch
            label={t('subsidiaries.activeLabel')}
            description={t('subsidiaries.activeHint')}
            key={form.key('active')}
            {...form.getInputProps('active', { type: 'checkbox' })}
          />
          <Group justify="flex-end" gap="xs" mt="sm">
            <Button variant="default" onClick={onClose} disabled={saving}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={saving}>
              {subsidiary ? t('common.save') : t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
