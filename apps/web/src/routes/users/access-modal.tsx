import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { userAccessInput } from '@mg/shared';
import { useMutation } from '@tanstack/react-query';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { AccessFields, type AccessValues, toAccessInput } from './access-fields';
import type { UserRow } from './users-page';

type Values = AccessValues;

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
          <AccessFields form={form} subsidiaries={subsidiaries} fallbackRole={user.role} />
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
