import { Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ROLES, type Role } from '@mg/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { notifyApiError } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

/** The admin setting: which roles must use a second factor. */
export function TotpRolesCard({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.user.totpRoles.queryOptions());
  const [draft, setDraft] = useState<Role[] | null>(null);
  const save = useMutation(
    trpc.user.setTotpRoles.mutationOptions({
      onSuccess: async () => {
        setDraft(null);
        notifications.show({ color: 'teal', message: t('common.saved') });
        await queryClient.invalidateQueries(trpc.user.totpRoles.pathFilter());
      },
      onError: notifyApiError,
    }),
  );
  const roles = draft ?? current.data?.roles ?? [];
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
      <Stack gap="sm">
        <Title order={2} fz="h4">
          {t('users.settingsTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('users.settingsBody')}
        </Text>
        <Checkbox.Group
          value={roles}
          onChange={(value) => setDraft(value as Role[])}
          aria-label={t('users.settingsTitle')}
        >
          <Group gap="lg">
            {ROLES.map((r) => (
              <Checkbox
                key={r}
                value={r}
                label={t(`roles.${r}`)}
                disabled={!canManage || current.isPending}
              />
            ))}
          </Group>
        </Checkbox.Group>
        {roles.length === 0 && current.isSuccess ? (
          <Text size="sm" c="orange.8">
            {t('users.settingsNone')}
          </Text>
        ) : null}
        {canManage && draft !== null ? (
          <Group>
            <Button
              size="sm"
              loading={save.isPending}
              onClick={() => save.mutate({ roles: draft })}
            >
              {t('common.save')}
            </Button>
            <Button size="sm" variant="default" onClick={() => setDraft(null)}>
              {t('common.cancel')}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Paper>
  );
}
