import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { isSubsidiaryScoped, ROLES, type Role, userInviteInput } from '@mg/shared';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';

type Option = { value: string; label: string };
type Values = { name: string; email: string; role: string; subsidiaryId: string | null };

/** Form state to API input: the select's string id to a number, none to null. */
export function toAccessInput(values: { role: string; subsidiaryId: string | null }) {
  return {
    role: values.role as Role,
    subsidiaryId: values.subsidiaryId ? Number(values.subsidiaryId) : null,
  };
}

export function InviteModal({
  subsidiaries,
  onClose,
  onDone,
}: {
  subsidiaries: Option[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: { name: '', email: '', role: 'subsidiary_user', subsidiaryId: null },
    validate: zodResolver(userInviteInput, (v: Values) => ({
      name: v.name,
      email: v.email,
      ...toAccessInput(v),
    })),
  });
  const invite = useMutation(
    trpc.user.invite.mutationOptions({ onSuccess: onDone, onError: (e) => applyApiError(form, e) }),
  );
  const scoped = isSubsidiaryScoped(form.values.role as Role);
  return (
    <Modal opened onClose={onClose} title={t('users.inviteTitle')} centered>
      <form
        noValidate
        onSubmit={form.onSubmit((v) =>
          invite.mutate({ name: v.name, email: v.email, ...toAccessInput(v) }),
        )}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            {t('users.inviteBody')}
          </Text>
          <TextInput
            label={t('users.name')}
            required
            data-autofocus
            {...form.getInputProps('name')}
          />
          <TextInput
            label={t('users.email')}
            type="email"
            required
            {...form.getInputProps('email')}
          />
          <Select
            label={t('users.role')}
            required
            allowDeselect={false}
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            {...form.getInputProps('role')}
            onChange={(value) => {
              form.setFieldValue('role', value ?? 'subsidiary_user');
              // Only a subsidiary user has a subsidiary: clear it when the role changes away.
              if (!isSubsidiaryScoped((value ?? 'subsidiary_user') as Role))
                form.setFieldValue('subsidiaryId', null);
            }}
          />
          <Select
            label={t('users.subsidiary')}
            description={t('users.subsidiaryHint')}
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
            <Button type="submit" loading={invite.isPending}>
              {t('users.invite')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
