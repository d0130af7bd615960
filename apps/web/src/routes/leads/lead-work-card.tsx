import { Alert, Button, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { LEAD_STATUSES, type LeadStatus, leadWorkBlock } from '@mg/shared';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { notifyApiError } from '../../lib/form-errors';
import { notifyChanged } from '../../lib/notify';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import type { LeadDetail } from './lead-detail-page';
import { SectionCard } from './section-card';

const UNASSIGNED = 'unassigned';

/** Follow-up on one lead: status, who has it, and notes on the timeline. */
export function LeadWorkCard({ lead }: { lead: LeadDetail['lead'] }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const block = leadWorkBlock(lead);
  const locked = block !== null;
  const [note, setNote] = useState('');

  const assignees = useQuery({
    ...trpc.lead.assignees.queryOptions({ leadId: lead.id }),
    enabled: !locked,
  });
  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries(trpc.lead.byId.queryFilter({ id: lead.id })),
      queryClient.invalidateQueries(trpc.lead.list.pathFilter()),
    ]);
  };
  const statusLabel = (value: LeadStatus) => t(`leadStatus.${value}`);
  const assigneeLabel = (userId: number | null) =>
    userId === null
      ? null
      : (assignees.data?.find((user) => user.id === userId)?.name ??
        (userId === lead.assigneeUserId ? lead.assigneeName : null) ??
        String(userId));
  const assigneeMessage = (userId: number | null, key: 'set' | 'restored') => {
    const name = assigneeLabel(userId);
    if (name === null)
      return t(key === 'set' ? 'feedback.assigneeCleared' : 'feedback.assigneeRestoredNone');
    return t(key === 'set' ? 'feedback.assigneeSet' : 'feedback.assigneeRestored', { name });
  };

  // The undo goes through the same procedure as the change, so it is checked and logged too;
  // its own toast has no undo of its own (that would only bounce the value back and forth).
  const undoStatus = useMutation(
    trpc.lead.updateStatus.mutationOptions({
      onSuccess: async (_data, { status: restored }) => {
        await refresh();
        notifyChanged({ message: t('feedback.statusRestored', { status: statusLabel(restored) }) });
      },
      onError: notifyApiError,
    }),
  );
  const status = useMutation(
    trpc.lead.updateStatus.mutationOptions({
      // The value to go back to, taken when the change starts (the lead refetches after).
      onMutate: () => ({ previous: lead.status }),
      onSuccess: async (_data, { status: next }, context) => {
        await refresh();
        const previous = context?.previous;
        notifyChanged({
          message: t('feedback.statusSet', { status: statusLabel(next) }),
          undo:
            previous && previous !== next
              ? () => undoStatus.mutate({ id: lead.id, status: previous })
              : undefined,
        });
      },
      onError: notifyApiError,
    }),
  );
  const undoAssign = useMutation(
    trpc.lead.assign.mutationOptions({
      onSuccess: async (_data, { assigneeUserId }) => {
        await refresh();
        notifyChanged({ message: assigneeMessage(assigneeUserId, 'restored') });
      },
      onError: notifyApiError,
    }),
  );
  const assign = useMutation(
    trpc.lead.assign.mutationOptions({
      onMutate: () => ({ previous: lead.assigneeUserId }),
      onSuccess: async (_data, { assigneeUserId }, context) => {
        await refresh();
        const previous = context === undefined ? undefined : context.previous;
        notifyChanged({
          message: assigneeMessage(assigneeUserId, 'set'),
          undo:
            previous !== undefined && previous !== assigneeUserId
              ? () => undoAssign.mutate({ id: lead.id, assigneeUserId: previous })
              : undefined,
        });
      },
      onError: notifyApiError,
    }),
  );
  const addNote = useMutation(
    trpc.lead.addNote.mutationOptions({
      onSuccess: async () => {
        setNote('');
        await refresh();
        notifyChanged({ message: t('feedback.noteAdded') });
      },
      onError: notifyApiError,
    }),
  );

  const submitNote = () => {
    const body = note.trim();
    if (body && !addNote.isPending) addNote.mutate({ id: lead.id, body });
  };
  const assigneeData = [
    { value: UNASSIGNED, label: t('lead.unassigned') },
    ...(assignees.data ?? []).map((user) => ({ value: String(user.id), label: user.name })),
  ];
  const currentAssignee = lead.assigneeUserId === null ? UNASSIGNED : String(lead.assigneeUserId);
  // Assignable people are the active users of the lead's subsidiary: once the list is in, an
  // assignee missing from it was deactivated (or moved away); the lead stays theirs and says so.
  if (lead.assigneeUserId !== null && !assigneeData.some((d) => d.value === currentAssignee)) {
    const name = lead.assigneeName ?? currentAssignee;
    assigneeData.push({
      value: currentAssignee,
      label: assignees.isSuccess ? t('lead.assigneeInactive', { name }) : name,
    });
  }

  return (
    <SectionCard title={t('lead.work.title')}>
      {locked ? (
        <Alert color="gray" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {block === 'leadAnonymised'
            ? t('lead.work.lockedAnonymised')
            : t('lead.work.lockedRestricted')}
        </Alert>
      ) : null}
      <Group grow align="flex-start" gap="sm" wrap="wrap">
        <Select
          label={t('leads.status')}
          allowDeselect={false}
          disabled={locked || status.isPending || undoStatus.isPending}
          miw={180}
          data={LEAD_STATUSES.map((value) => ({ value, label: t(`leadStatus.${value}`) }))}
          value={lead.status}
          onChange={(value) => {
            const next = LEAD_STATUSES.find((s) => s === value);
            if (next && next !== lead.status) status.mutate({ id: lead.id, status: next });
          }}
        />
        <Select
          label={t('lead.assignee')}
          allowDeselect={false}
          searchable
          nothingFoundMessage={t('common.nothingFound')}
          disabled={locked || assign.isPending || undoAssign.isPending}
          miw={180}
          data={assigneeData}
          value={currentAssignee}
          onChange={(value) => {
            if (value === null || value === currentAssignee) return;
            assign.mutate({
              id: lead.id,
              assigneeUserId: value === UNASSIGNED ? null : Number(value),
            });
          }}
        />
      </Group>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submitNote();
        }}
      >
        <Stack gap="xs">
          <Textarea
            label={t('lead.work.note')}
            description={t('lead.work.noteHint')}
            autosize
            minRows={2}
            maxRows={8}
            maxLength={4000}
            disabled={locked}
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                submitNote();
              }
            }}
          />
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {t('lead.work.noteLogged')}
            </Text>
            <Button
              type="submit"
              size="sm"
              disabled={locked || note.trim() === ''}
              loading={addNote.isPending}
            >
              {t('lead.work.addNote')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}
