import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import {
  PROJECT_STATUSES,
  type ProjectStatus,
  projectInput,
  projectUpdateInput,
  slugify,
} from '@mg/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

type EditableProject = {
  id: number;
  name: string;
  slug: string;
  place: string;
  status: ProjectStatus;
};

type Props = {
  /** Null creates a new project. Mounted once per opening, so initial values are fresh. */
  project: EditableProject | null;
  onClose: () => void;
};

type Values = {
  name: string;
  slug: string;
  place: string;
  status: ProjectStatus;
  /** Select values are strings; only used when creating (moving is a separate action). */
  subsidiaryId: string | null;
};

const EMPTY: Values = { name: '', slug: '', place: '', status: 'planning', subsidiaryId: null };

function toCreateInput(values: Values) {
  return { ...values, subsidiaryId: values.subsidiaryId ? Number(values.subsidiaryId) : undefined };
}

export function ProjectFormModal({ project, onClose }: Props) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const editing = project !== null;
  const subsidiaries = useQuery({
    ...trpc.subsidiary.list.queryOptions(),
    enabled: !editing,
  });
  // Once someone types a slug of their own, renaming the project must not overwrite it; an
  // existing project's slug is in published links, so it is never changed behind their back.
  const slugEdited = useRef(editing);

  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: project
      ? {
          name: project.name,
          slug: project.slug,
          place: project.place,
          status: project.status,
          subsidiaryId: null,
        }
      : EMPTY,
    validate: editing
      ? zodResolver(projectUpdateInput.omit({ id: true }))
      : zodResolver(projectInput, toCreateInput),
  });

  form.watch('name', ({ value }) => {
    if (!slugEdited.current) form.setFieldValue('slug', slugify(value));
  });

  const onSuccess = async () => {
    await queryClient.invalidateQueries(trpc.project.pathFilter());
    await queryClient.invalidateQueries(trpc.subsidiary.list.pathFilter());
    notifications.show({
      color: 'teal',
      message: editing ? t('common.saved') : t('projects.created'),
    });
    onClose();
  };
  const onError = (error: unknown) => applyApiError(form, error);
  const create = useMutation(trpc.project.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.project.update.mutationOptions({ onSuccess, onError }));
  const saving = create.isPending || update.isPending;

  const slugInput = form.getInputProps('slug');

  return (
    <Modal
      opened
      onClose={onClose}
      title={editing ? t('projects.edit') : t('projects.new')}
      centered
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          const { subsidiaryId, ...fields } = values;
          if (project) update.mutate({ id: project.id, ...fields });
          else if (subsidiaryId) create.mutate({ ...fields, subsidiaryId: Number(subsidiaryId) });
        })}
      >
        <Stack>
          <TextInput
            label={t('projects.name')}
            required
            data-autofocus
            key={form.key('name')}
            {...form.getInputProps('name')}
          />
          <TextInput
            label={t('projects.slug')}
            description={t('projects.slugHint')}
            required
            autoComplete="off"
            spellCheck={false}
            key={form.key('slug')}
            {...slugInput}
            onChange={(event) => {
              slugEdited.current = true;
              slugInput.onChange(event);
            }}
          />
          <TextInput
            label={t('projects.place')}
            required
            key={form.key('place')}
            {...form.getInputProps('place')}
          />
          <Select
            label={t('projects.status')}
            required
            allowDeselect={false}
            data={PROJECT_STATUSES.map((status) => ({
              value: status,
              label: t(`projectStatus.${status}`),
            }))}
            key={form.key('status')}
            {...form.getInputProps('status')}
          />
          {editing ? null : (
            <Select
              label={t('projects.subsidiary')}
              description={t('projects.subsidiaryHint')}
              placeholder={t('projects.chooseSubsidiary')}
              required
              searchable
              nothingFoundMessage={t('common.nothingFound')}
              disabled={subsidiaries.isPending}
              data={(subsidiaries.data ?? [])
                .filter((subsidiary) => subsidiary.active)
                .map((subsidiary) => ({ value: String(subsidiary.id), label: subsidiary.name }))}
              key={form.key('subsidiaryId')}
              {...form.getInputProps('subsidiaryId')}
            />
          )}
          <Group justify="flex-end" gap="xs" mt="sm">
            <Button variant="default" onClick={onClose} disabled={saving}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={saving}>
              {editing ? t('common.save') : t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
