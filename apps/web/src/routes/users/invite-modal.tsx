import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { userInviteInput } from '@mg/shared';
import { useMutation } from '@tanstack/react-query';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { AccessFields, toAccessInput } from './access-fields';

type Option = { value: string; label: string };
type Values = { name: string; email: string; role: string; subsidiaryId: string | null };

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
          <AccessFields
            form={form}
            subsidiaries={subsidiaries}
            fallbackRole="subsidiary_user"
            subsidiaryHint={t('users.subsidiaryHint')}
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
