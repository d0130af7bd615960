import { Alert, Button, Group, Modal, Select, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { isSubsidiaryScoped, ROLES, type Role, userAccessInput } from '@mg/shared';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { toAccessInput } from './invite-modal';
import type { UserRow } from './users-page';

type Values = { role: string; subsidiaryId: string | null };

export function AccessModal({
  user,
  subsidiaries,
  onClose,
  onDone,
}: {
  user: UserRow;
  subsidiaries: { value: string; label: string }[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: {
      role: user.role,
      subsidiaryId: user.subsidiaryId ? String(user.subsidiaryId) : null,
    },
    validate: zodResolver(userAccessInput, (v: Values) => ({ id: user.id, ...toAccessInput(v) })),
  });
  const save = useMutation(
    trpc.user.updateAccess.mutationOptions({
      onSuccess: onDone,
      onError: (e) => applyApiError(form, e),
    }),
  );
  const scoped = isSubsidiaryScoped(form.values.role as Role);
  return (
    <Modal opened onClose={onClose} title={`${t('users.changeAccess')}: ${user.name}`} centered>
      <form
        noValidate
        onSubmit={form.onSubmit((v) => save.mutate({ id: user.id, ...toAccessInput(v) }))}
      >
        <Stack>
          <Alert color="yellow" variant="light">
            {t('users.changeAccessBody')}
          </Alert>
          <Select
            label={t('users.role')}
            required
            allowDeselect={false}
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            {...form.getInputProps('role')}
            onChange={(value) => {
              form.setFieldValue('role', value ?? user.role);
              if (!isSubsidiaryScoped((value ?? user.role) as Role))
                form.setFieldValue('subsidiaryId', null);
            }}
          />
          <Select
            label={t('users.subsidiary')}
            required={scoped}
            disabled={!scoped}
            searchable
            clearable
            data={subsidiaries}
            {...form.getInputProps('subsidiaryId')}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
