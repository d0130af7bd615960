import { Button, Group, Menu, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { VIEW_VISIBILITIES, type ViewVisibility, viewSaveInput } from '@mg/shared';
import { IconBookmark, IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/confirm-modal';
import { useCan, useCurrentUser } from '../../lib/auth';
import { applyApiError, notifyApiError, zodResolver } from '../../lib/form-errors';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import type { LeadGridControls } from './use-lead-filters';

type SavedView = RouterOutputs['view']['list'][number];

/** Named filters stored on the server: apply one, save the current grid, remove your own. */
export function SavedViewsMenu({ grid }: { grid: LeadGridControls }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useCan('view:manage');
  const views = useQuery({ ...trpc.view.list.queryOptions(), enabled: canManage });
  const [saving, setSaving] = useState(false);
  const [removing, setRemoving] = useState<SavedView | null>(null);

  const remove = useMutation(
    trpc.view.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.view.list.queryFilter());
        notifications.show({ color: 'green', message: t('views.removed') });
        setRemoving(null);
      },
      onError: notifyApiError,
    }),
  );

  if (!canManage) return null;
  const list = views.data ?? [];

  return (
    <>
      <Menu position="bottom-end" withinPortal shadow="md" width={280}>
        <Menu.Target>
          <Button variant="default" size="sm" leftSection={<IconBookmark aria-hidden size={16} />}>
            {t('views.title')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{t('views.apply')}</Menu.Label>
          {views.isPending ? (
            <Menu.Item disabled>{t('common.loading')}</Menu.Item>
          ) : views.isError ? (
            <Menu.Item disabled>{t('errors.loadFailed')}</Menu.Item>
          ) : list.length === 0 ? (
            <Menu.Item disabled>{t('views.empty')}</Menu.Item>
          ) : (
            list.map((view) => (
              <Menu.Item
                key={view.id}
                onClick={() => grid.setGrid({ filter: view.filter, columns: view.columns })}
              >
                <Text size="sm">{view.name}</Text>
                <Text size="xs" c="dimmed">
                  {t(`views.visibility.${view.visibility}`)}
                  {view.own ? '' : ` · ${view.ownerName}`}
                </Text>
              </Menu.Item>
            ))
          )}
          <Menu.Divider />
          <Menu.Item
            leftSection={<IconDeviceFloppy aria-hidden size={16} />}
            onClick={() => setSaving(true)}
          >
            {t('views.saveCurrent')}
          </Menu.Item>
          {list.some((view) => view.own) ? (
            <>
              <Menu.Divider />
              <Menu.Label>{t('views.removeLabel')}</Menu.Label>
              {list
                .filter((view) => view.own)
                .map((view) => (
                  <Menu.Item
                    key={view.id}
                    color="red"
                    leftSection={<IconTrash aria-hidden size={16} />}
                    onClick={() => setRemoving(view)}
                  >
                    {t('views.removeNamed', { name: view.name })}
                  </Menu.Item>
                ))}
            </>
          ) : null}
        </Menu.Dropdown>
      </Menu>
      <SaveViewModal opened={saving} onClose={() => setSaving(false)} grid={grid} />
      <ConfirmModal
        opened={removing !== null}
        title={t('views.removeTitle')}
        confirmLabel={t('views.remove')}
        danger
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
        onClose={() => setRemoving(null)}
      >
        <Text size="sm">{t('views.removeBody', { name: removing?.name ?? '' })}</Text>
      </ConfirmModal>
    </>
  );
}

function SaveViewModal({
  opened,
  onClose,
  grid,
}: {
  opened: boolean;
  onClose: () => void;
  grid: LeadGridControls;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const user = useCurrentUser();
  const canShareAll = useCan('view:share_all');
  const visibilities = VIEW_VISIBILITIES.filter(
    (v) => (v !== 'everyone' || canShareAll) && (v !== 'subsidiary' || user.subsidiaryId !== null),
  );
  const form = useForm<{ name: string; visibility: ViewVisibility }>({
    initialValues: { name: '', visibility: 'personal' },
    validate: zodResolver(
      viewSaveInput,
      (values: { name: string; visibility: ViewVisibility }) => ({
        ...values,
        filter: grid.filter,
        columns: grid.columns,
      }),
    ),
  });
  const save = useMutation(
    trpc.view.save.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.view.list.queryFilter());
        notifications.show({ color: 'green', message: t('views.saved') });
        form.reset();
        onClose();
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  return (
    <Modal opened={opened} onClose={onClose} title={t('views.saveTitle')} centered>
      <form
        onSubmit={form.onSubmit((values) =>
          save.mutate({ ...values, filter: grid.filter, columns: [...grid.columns] }),
        )}
      >
        <Stack>
          <TextInput
            label={t('views.name')}
            required
            maxLength={80}
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Select
            label={t('views.visibilityLabel')}
            allowDeselect={false}
            data={visibilities.map((value) => ({
              value,
              label: t(`views.visibility.${value}`),
            }))}
            {...form.getInputProps('visibility')}
          />
          <Text size="xs" c="dimmed">
            {t('views.saveHint')}
          </Text>
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
