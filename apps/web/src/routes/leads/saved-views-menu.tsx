import {
  ActionIcon,
  Button,
  Group,
  Menu,
  Modal,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  type LeadColumn,
  type LeadFilterParams,
  leadGridToSearchParams,
  toQueryString,
  VIEW_VISIBILITIES,
  type ViewVisibility,
  viewSaveInput,
} from '@mg/shared';
import {
  IconBookmark,
  IconCheck,
  IconDeviceFloppy,
  IconPencil,
  IconRefresh,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ConfirmModal } from '../../components/confirm-modal';
import { useCan, useCurrentUser } from '../../lib/auth';
import { applyApiError, notifyApiError, zodResolver } from '../../lib/form-errors';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import type { LeadGridControls } from './use-lead-filters';

type SavedView = RouterOutputs['view']['list'][number];

/** A grid state as its canonical query string, so two states compare as strings. */
function stateKey(state: { filter: LeadFilterParams; columns: readonly LeadColumn[] }) {
  return toQueryString(leadGridToSearchParams(state));
}

/**
 * Named filters stored on the server: apply one, save the current grid, and for your own:
 * update it with the current filter, rename it, delete it. The view the grid shows is named
 * on the button (it is the view whose filter, sort and columns equal the grid's now).
 */
/** `compact`: an icon button on phones, unless a view is active (its name is the point). */
export function SavedViewsMenu({
  grid,
  compact = false,
}: {
  grid: LeadGridControls;
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useCan('view:manage');
  const views = useQuery({ ...trpc.view.list.queryOptions(), enabled: canManage });
  const [saving, setSaving] = useState(false);
  const [removing, setRemoving] = useState<SavedView | null>(null);
  const [renaming, setRenaming] = useState<SavedView | null>(null);
  /** The view last applied, so "update" is offered after its filter was changed too. */
  const [chosenId, setChosenId] = useState<number | null>(null);

  const update = useMutation(
    trpc.view.save.mutationOptions({
      onSuccess: async (_result, input) => {
        await queryClient.invalidateQueries(trpc.view.list.queryFilter());
        notifications.show({
          color: 'green',
          message: t('leads.views.updated', { name: input.name }),
        });
      },
      onError: notifyApiError,
    }),
  );

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
  const current = stateKey({ filter: grid.filter, columns: grid.columns });
  const matching = list.find((view) => stateKey(view) === current);
  const chosen = list.find((view) => view.id === chosenId);
  // The view shown: the one whose state the grid has; else the one chosen, now changed.
  const activeView = matching ?? chosen;
  const changed = activeView !== undefined && matching === undefined;
  const saveInto = (view: SavedView) =>
    update.mutate({
      id: view.id,
      name: view.name,
      visibility: view.visibility,
      filter: grid.filter,
      columns: [...grid.columns],
    });

  return (
    <>
      <Menu position="bottom-end" withinPortal shadow="md" width={280}>
        <Menu.Target>
          {compact && !activeView ? (
            <ActionIcon variant="default" size={36} aria-label={t('views.title')}>
              <IconBookmark aria-hidden size={18} />
            </ActionIcon>
          ) : (
            <Button
              variant={activeView ? 'light' : 'default'}
              size="sm"
              leftSection={<IconBookmark aria-hidden size={16} />}
              maw={compact ? 150 : 260}
            >
              {activeView ? (
                <Text span size="sm" truncate>
                  {t('leads.views.active', { name: activeView.name })}
                  {changed ? ' *' : ''}
                </Text>
              ) : (
                t('views.title')
              )}
            </Button>
          )}
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
                aria-current={view.id === activeView?.id ? 'true' : undefined}
                rightSection={
                  view.id === activeView?.id ? <IconCheck aria-hidden size={16} /> : undefined
                }
                onClick={() => {
                  setChosenId(view.id);
                  grid.setGrid({ filter: view.filter, columns: view.columns });
                }}
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
          {activeView?.own ? (
            <>
              <Menu.Divider />
              <Menu.Label>{t('leads.views.activeLabel')}</Menu.Label>
              {changed ? (
                <Menu.Item
                  leftSection={<IconRefresh aria-hidden size={16} />}
                  onClick={() => saveInto(activeView)}
                >
                  {t('leads.views.update', { name: activeView.name })}
                </Menu.Item>
              ) : null}
              <Menu.Item
                leftSection={<IconPencil aria-hidden size={16} />}
                onClick={() => setRenaming(activeView)}
              >
                {t('leads.views.rename', { name: activeView.name })}
              </Menu.Item>
              <Menu.Item
                color="red"
                leftSection={<IconTrash aria-hidden size={16} />}
                onClick={() => setRemoving(activeView)}
              >
                {t('leads.views.delete', { name: activeView.name })}
              </Menu.Item>
            </>
          ) : null}
          {list.some((view) => view.own && view.id !== activeView?.id) ? (
            <>
              <Menu.Divider />
              <Menu.Label>{t('views.removeLabel')}</Menu.Label>
              {list
                .filter((view) => view.own && view.id !== activeView?.id)
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
      <SaveViewModal
        opened={saving}
        onClose={() => setSaving(false)}
        grid={grid}
        onSaved={(id) => setChosenId(id)}
      />
      <RenameViewModal view={renaming} onClose={() => setRenaming(null)} />
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
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  grid: LeadGridControls;
  onSaved: (id: number) => void;
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
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.view.list.queryFilter());
        notifications.show({ color: 'green', message: t('views.saved') });
        form.reset();
        onSaved(result.id);
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

/** A new name for one of your views; its filter, columns and sharing stay as saved. */
function RenameViewModal({ view, onClose }: { view: SavedView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<{ name: string }>({
    initialValues: { name: '' },
    validate: zodResolver(viewSaveInput, (values: { name: string }) => ({
      name: values.name,
      visibility: view?.visibility ?? 'personal',
      filter: view?.filter ?? {},
      columns: view?.columns,
    })),
  });
  const rename = useMutation(
    trpc.view.save.mutationOptions({
      onSuccess: async (_result, input) => {
        await queryClient.invalidateQueries(trpc.view.list.queryFilter());
        notifications.show({
          color: 'green',
          message: t('leads.views.renamed', { name: input.name }),
        });
        onClose();
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  const viewId = view?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: start from the view's name each time it opens
  useEffect(() => {
    if (view) form.setValues({ name: view.name });
  }, [viewId]);
  return (
    <Modal opened={view !== null} onClose={onClose} title={t('leads.views.renameTitle')} centered>
      <form
        onSubmit={form.onSubmit((values) => {
          if (!view) return;
          rename.mutate({
            id: view.id,
            name: values.name,
            visibility: view.visibility,
            filter: view.filter,
            columns: [...view.columns],
          });
        })}
      >
        <Stack>
          <TextInput
            label={t('views.name')}
            required
            maxLength={80}
            data-autofocus
            {...form.getInputProps('name')}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={rename.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
