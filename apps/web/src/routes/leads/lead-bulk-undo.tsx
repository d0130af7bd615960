import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { LeadStatus } from '@mg/shared';
import { useState } from 'react';
import { notifyApiError } from '../../lib/form-errors';
import { i18n } from '../../lib/i18n';
import { queryClient, trpcClient } from '../../lib/prefetch';

/** How long "Angre" stays offered after a bulk change. */
export const BULK_UNDO_MS = 8000;

export type BulkPrevious = { id: number; status?: LeadStatus; assigneeUserId?: number | null }[];

/**
 * The toast after a bulk change: what changed, and "Angre" for a few seconds, which puts
 * each lead's own previous value back (lead.bulkRestore). It lives outside the grid's
 * components (they may be gone once the selection clears), so it talks to the app's one
 * client and cache directly.
 */
export function showBulkUndo({ message, previous }: { message: string; previous: BulkPrevious }) {
  const id = `lead-bulk-${Date.now()}`;
  notifications.show({
    id,
    // Away from the header and its user menu, and clear of the phone's bulk bar (gone by now).
    position: 'bottom-right',
    color: 'green',
    autoClose: previous.length > 0 ? BULK_UNDO_MS : 4000,
    message: (
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Text size="sm">{message}</Text>
        {previous.length > 0 ? <UndoButton notificationId={id} previous={previous} /> : null}
      </Group>
    ),
  });
}

function UndoButton({
  notificationId,
  previous,
}: {
  notificationId: string;
  previous: BulkPrevious;
}) {
  const [pending, setPending] = useState(false);
  const undo = async () => {
    setPending(true);
    try {
      const result = await trpcClient.lead.bulkRestore.mutate({ items: previous });
      notifications.hide(notificationId);
      notifications.show({
        position: 'bottom-right',
        color: 'blue',
        message: i18n.t('leads.bulk.undone', { count: result.ids.length }),
      });
      await queryClient.invalidateQueries({ queryKey: [['lead']] });
    } catch (error) {
      setPending(false);
      notifyApiError(error);
    }
  };
  return (
    <Button size="compact-sm" variant="white" color="dark" loading={pending} onClick={undo}>
      {i18n.t('leads.bulk.undo')}
    </Button>
  );
}
