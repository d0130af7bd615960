import { Alert, Button, Group, Paper, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { LEAD_BULK_MAX, LEAD_STATUSES, type LeadStatus } from '@mg/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/confirm-modal';
import { errorMessageKey, getApiErrorInfo } from '../../lib/api-error';
import { useTRPC } from '../../lib/trpc';
import type { LeadRow } from './lead-columns';

const UNASSIGNED = 'unassigned';

type Pending = { kind: 'status'; status: LeadStatus } | { kind: 'assign'; userId: number | null };

/** Change status or assignee of the selected leads at once; all or nothing on the server. */
export function LeadBulkBar({ selected, onDone }: { selected: LeadRow[]; onDone: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<string | null>(null);
  const [assignee, setAssignee] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const subsidiaries = new Set(selected.map((row) => row.subsidiaryId));
  const oneSubsidiary = subsidiaries.size === 1;
  const first = selected[0];
  const candidates = useQuery({
    ...trpc.lead.assignees.queryOptions({ leadId: first?.id ?? 0 }),
    enabled: oneSubsidiary && first !== undefined,
  });

  const bulk = useMutation(
    trpc.lead.bulkUpdate.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries(trpc.lead.pathFilter());
        notifications.show({
          color: 'green',
          message: t('leads.bulk.done', { count: result.ids.length }),
        });
        setPending(null);
        setStatus(null);
        setAssignee(null);
        onDone();
      },
    }),
  );

  const count = selected.length;
  // The server takes at most LEAD_BULK_MAX ids in one change; more would only be refused.
  const tooMany = count > LEAD_BULK_MAX;
  const userName = (id: number | null) =>
    id === null
      ? t('lead.unassigned')
      : (candidates.data?.find((user) => user.id === id)?.name ?? String(id));
  const apply = () => {
    if (!pending) return;
    const ids = selected.map((row) => row.id);
    bulk.mutate(
      pending.kind === 'status'
        ? { ids, status: pending.status }
        : { ids, assigneeUserId: pending.userId },
    );
  };
  const close = () => {
    setPending(null);
    bulk.reset();
  };

  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      bg="var(--mantine-primary-color-light)"
      role="region"
      aria-label={t('leads.bulk.label')}
    >
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Text fw={600} size="sm" aria-live="polite" style={{ alignSelf: 'center' }}>
          {t('leads.bulk.selected', { count })}
        </Text>
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <Select
            label={t('leads.bulk.status')}
            placeholder={t('leads.bulk.choose')}
            size="sm"
            w={170}
            data={LEAD_STATUSES.map((value) => ({ value, label: t(`leadStatus.${value}`) }))}
            value={status}
            onChange={setStatus}
          />
          <Button
            size="sm"
            disabled={status === null || tooMany}
            onClick={() => {
              const value = LEAD_STATUSES.find((s) => s === status);
              if (value) setPending({ kind: 'status', status: value });
            }}
          >
            {t('leads.bulk.apply')}
          </Button>
        </Group>
        {oneSubsidiary ? (
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <Select
              label={t('leads.bulk.assignee')}
              placeholder={t('leads.bulk.choose')}
              size="sm"
              w={190}
              searchable
              nothingFoundMessage={t('common.nothingFound')}
              data={[
                { value: UNASSIGNED, label: t('lead.unassigned') },
                ...(candidates.data ?? []).map((user) => ({
                  value: String(user.id),
                  label: user.name,
                })),
              ]}
              value={assignee}
              onChange={setAssignee}
            />
            <Button
              size="sm"
              disabled={assignee === null || tooMany}
              onClick={() =>
                setPending({
                  kind: 'assign',
                  userId: assignee === UNASSIGNED || assignee === null ? null : Number(assignee),
                })
              }
            >
              {t('leads.bulk.assign')}
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed" style={{ alignSelf: 'center' }}>
            {t('leads.bulk.assignOneSubsidiary')}
          </Text>
        )}
        {tooMany ? (
          <Text size="sm" c="red" style={{ alignSelf: 'center' }}>
            {t('leads.bulk.tooMany', { max: LEAD_BULK_MAX })}
          </Text>
        ) : null}
        <Button variant="subtle" size="sm" onClick={onDone}>
          {t('leads.bulk.clear')}
        </Button>
      </Group>
      <ConfirmModal
        opened={pending !== null}
        title={t('leads.bulk.confirmTitle', { count })}
        confirmLabel={t('leads.bulk.confirm')}
        loading={bulk.isPending}
        onConfirm={apply}
        onClose={close}
      >
        <Text size="sm">
          {pending?.kind === 'status'
            ? t('leads.bulk.confirmStatus', {
                count,
                status: t(`leadStatus.${pending.status}`),
              })
            : pending?.kind === 'assign'
              ? t('leads.bulk.confirmAssign', { count, name: userName(pending.userId) })
              : null}
        </Text>
        <Text size="sm" c="dimmed">
          {t('leads.bulk.allOrNothing')}
        </Text>
        {bulk.isError ? (
          <Alert color="red" variant="light" role="alert" title={t('leads.bulk.failed')}>
            {t(errorMessageKey(getApiErrorInfo(bulk.error)))}
          </Alert>
        ) : null}
      </ConfirmModal>
    </Paper>
  );
}
