import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { projectAssignInput } from '@mg/shared';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

type Props = {
  project: { id: number; name: string; subsidiaryId: number; subsidiaryName: string };
  onClose: () => void;
};

type Values = { subsidiaryId: string | null };

export function AssignProjectModal({ project, onClose }: Props) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const subsidiaries = useQuery(trpc.subsidiary.list.queryOptions());
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: { subsidiaryId: null },
    validate: zodResolver(projectAssignInput, (values: Values) => ({
      projectId: project.id,
      subsidiaryId: values.subsidiaryId ? Number(values.subsidiaryId) : undefined,
    })),
  });

  const assign = useMutation(
    trpc.project.assign.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.project.pathFilter());
        await queryClient.invalidateQueries(trpc.subsidiary.list.pathFilter());
        notifications.show({ color: 'teal', message: t('projects.assigned') });
        onClose();
      },
      onError: (error) => applyApiError(form, error),
    }),
  );

  // Only active subsidiaries take new leads; the current one is no change at all.
  const options = (subsidiaries.data ?? [])
    .filter((subsidiary) => subsidiary.active && subsidiary.id !== project.subsidiaryId)
    .map((subsidiary) => ({ value: String(subsidiary.id), label: subsidiary.name }));

  return (
    <Modal
      opened
      onClose={onClose}
      title={t('projects.assignTitle', { name: project.name })}
      centered
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          if (values.subsidiaryId) {
            assign.mutate({ projectId: project.id, subsidiaryId: Number(values.subsidiaryId) });
          }
        })}
      >
        <Stack>
          <Text size="sm">
            {t('projects.assignCurrent')} <strong>{project.subsidiaryName}</strong>
          </Text>
          <Select
            label={t('projects.assignNew')}
            placeholder={t('projects.chooseSubsidiary')}
            required
            searchable
            data-autofocus
            nothingFoundMessage={t('common.nothingFound')}
            disabled={subsidiaries.isPending}
            data={options}
            key={form.key('subsidiaryId')}
            {...form.getInputProps('subsidiaryId')}
          />
          <Alert color="yellow" variant="light" icon={<IconInfoCircle aria-hidden />}>
            {t('projects.assignExplanation', { current: project.subsidiaryName })}
          </Alert>
          <Group justify="flex-end" gap="xs" mt="sm">
            <Button variant="default" onClick={onClose} disabled={assign.isPending}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={assign.isPending}>
              {t('projects.assignConfirm')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
