import { ActionIcon, Button } from '@mantine/core';
import { IconFilterOff, IconPencil } from '@tabler/icons-react';
import { DeferredTooltip } from './lazy/tooltip';

/** The pencil at the end of a table row; the label names the row, for screen readers too. */
export function EditRowButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <DeferredTooltip label={label}>
      <ActionIcon variant="subtle" aria-label={label} onClick={onClick}>
        <IconPencil aria-hidden size={18} />
      </ActionIcon>
    </DeferredTooltip>
  );
}

/** Shown under a filter panel while any filter is set. */
export function ClearFiltersButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button
      variant="subtle"
      size="compact-sm"
      mt="xs"
      leftSection={<IconFilterOff aria-hidden size={14} />}
      onClick={onClick}
    >
      {label}
    </Button>
  );
}
