import { Alert, Button, Group, getDefaultZIndex, Paper, Select, Text } from '@mantine/core';
import {
  isSubsidiaryScoped,
  LEAD_BULK_MAX,
  LEAD_STATUSES,
  type LeadFilterParams,
  type LeadStatus,
} from '@mg/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useState } from 'react';
import { ConfirmModal } from '../../components/confirm-modal';
import { errorMessageKey, getApiErrorInfo } from '../../lib/api-error';
import { useCurrentUser } from '../../lib/auth';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { showBulkUndo } from './lead-bulk-undo';
import type { LeadRow } from './lead-columns';

const UNASSIGNED = 'unassigned';

type Pending = { kind: 'status'; status: LeadStatus } | { kind: 'assign'; userId: number | null };

/**
 * Change status or assignee of the selected leads at once; all or nothing on the server.
 * The selection is the rows ticked, or (`matching`) every workable lead the grid's filter
 * matches, resolved by the server. On a phone the bar is fixed to the bottom of the screen,
 * where the thumb is, so it stays in view however far down the rows were ticked.
 */
export function LeadBulkBar({
  selected,
  matching,
  onDone,
  fixed = false,
  offer,
}: {
  selected: LeadRow[];
  /** "All N matching": the filter and how many it matches. */
  matching?: { filter: LeadFilterParams; count: number } | null;
  onDone: () => void;
  fixed?: boolean;
  /** The "select all N matching" offer, shown in the bar. */
  offer?: ReactNode;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { role } = useCurrentUser();
  const [status, setStatus] = useState<string | null>(null);
  const [assignee, setAssignee] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);

  const subsidiaries = new Set(selected.map((row) => row.subsidiaryId));
  // All matching: one subsidiary only when the viewer has one, or the filter names one (the
  // server checks again and refuses an assignee for leads of several).
  const oneSubsidiary =
    subsidiaries.size === 1 &&
    (!matching || matching.filter.subsidiaryId !== undefined || isSubsidiaryScoped(role));
  const first = selected[0];
  const candidates = useQuery({
    ...trpc.lead.assignees.queryOptions({ leadId: first?.id ?? 0 }),
    enabled: oneSubsidiary && first !== undefined,
  });

  const bulk = useMutation(
    trpc.lead.bulkUpdate.mutationOptions({
      onSuccess: (result, input) => {
        // Say what changed at once; the grid refreshes behind the toast.
        void queryClient.invalidateQueries(trpc.lead.pathFilter());
        const count = result.updated;
        const message =
          count === 0
            ? t('leads.bulk.nothingChanged')
            : input.status !== undefined
              ? t('leads.bulk.statusDone', { count, status: t(`leadStatus.${input.status}`) })
              : input.assigneeUserId === null
                ? t('leads.bulk.unassignedDone', { count })
                : t('leads.bulk.assignDone', {
                    count,
                    name: userName(input.assigneeUserId ?? null),
                  });
        showBulkUndo({ message, previous: result.previous });
        setPending(null);
        setStatus(null);
        setAssignee(null);
        onDone();
      },
    }),
  );

  const count = matching ? matching.count : selected.length;
  // The server takes at most LEAD_BULK_MAX ids in one change; more would only be refused.
  const tooMany = count > LEAD_BULK_MAX;
  const userName = (id: number | null) =>
    id === null
      ? t('lead.unassigned')
      : (candidates.data?.find((user) => user.id === id)?.name ?? String(id));
  const apply = () => {
    if (!pending) return;
    const target = matching
      ? { matching: matching.filter }
      : { ids: selected.map((row) => row.id) };
    bulk.mutate(
      pending.kind === 'status'
        ? { ...target, status: pending.status }
        : { ...target, assigneeUserId: pending.userId },
    );
  };
  const close = () => {
    setPending(null);
    bulk.reset();
  };

  return (
    <Paper
      withBorder
      radius={fixed ? 0 : 'md'}
      p="sm"
      bg={fixed ? 'var(--mantine-color-body)' : 'var(--mantine-primary-color-light)'}
      shadow={fixed ? 'lg' : undefined}
      role="region"
      aria-label={t('leads.bulk.label')}
      style={
        fixed
          ? {
              position: 'fixed',
              left: 0,
              right: 0,
              bottom: 0,
              // Under the app shell (header and the phone's open navigation), above the page.
              zIndex: getDefaultZIndex('app') - 1,
              paddingBottom: 'calc(var(--mantine-spacing-sm) + env(safe-area-inset-bottom))',
            }
          : undefined
      }
    >
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Text fw={600} size="sm" aria-live="polite" style={{ alignSelf: 'center' }}>
          {matching
            ? t('leads.bulk.allMatchingSelected', { count })
            : t('leads.bulk.selected', { count })}
        </Text>
        {offer}
        <Group gap="xs" align="flex-end" wrap="nowrap">
          <Select
            label={t('leads.bulk.status')}
            placeholder={t('leads.bulk.choose')}
            size="sm"
            w={fixed ? 140 : 170}
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
              w={fixed ? 140 : 190}
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
