import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { i18n } from './i18n';
import { once } from './once';

/** How long an undo is offered: long enough to read the toast and react. */
export const UNDO_WINDOW_MS = 8_000;
const PLAIN_MS = 4_000;

let sequence = 0;

export type ChangedNotice = {
  /** What changed, in words: "Status satt til Kontaktet", not "Endringene er lagret". */
  message: string;
  /**
   * Sets the previous value back, through the same procedure as the change (so the undo is
   * logged like any change). Offered for UNDO_WINDOW_MS.
   */
  undo?: () => void;
};

/** A toast that says what changed, with "Angre" when the change can be taken back. */
export function notifyChanged({ message, undo }: ChangedNotice): string {
  sequence += 1;
  const id = `changed-${sequence}`;
  if (!undo) {
    notifications.show({ id, color: 'green', message, autoClose: PLAIN_MS });
    return id;
  }
  const runUndo = once(() => {
    notifications.hide(id);
    undo();
  });
  notifications.show({
    id,
    color: 'green',
    autoClose: UNDO_WINDOW_MS,
    message: (
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Text size="sm">{message}</Text>
        <Button size="compact-sm" variant="light" onClick={runUndo}>
          {i18n.t('feedback.undo')}
        </Button>
      </Group>
    ),
  });
  return id;
}
