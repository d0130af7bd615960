import { Button, Checkbox, Menu, Stack } from '@mantine/core';
import { LEAD_COLUMNS, type LeadColumn } from '@mg/shared';
import { IconColumns } from '@tabler/icons-react';
import { useTranslation } from '../../lib/use-translation';
import { columnTitle, REQUIRED_COLUMN } from './lead-columns';

/** Which columns the grid (and so the CSV export) shows; kept in the URL as `cols`. */
export function LeadColumnMenu({
  columns,
  onChange,
  hidden = [],
}: {
  columns: readonly LeadColumn[];
  onChange: (columns: LeadColumn[]) => void;
  /** Columns that make no sense for this user (a subsidiary user's own subsidiary). */
  hidden?: readonly LeadColumn[];
}) {
  const { t } = useTranslation();
  const toggle = (column: LeadColumn, on: boolean) => {
    // A new column goes last, so the ones already shown stay where the user expects them.
    onChange(
      on ? [...columns.filter((c) => c !== column), column] : columns.filter((c) => c !== column),
    );
  };
  return (
    <Menu closeOnItemClick={false} position="bottom-end" withinPortal shadow="md">
      <Menu.Target>
        <Button variant="default" size="sm" leftSection={<IconColumns aria-hidden size={16} />}>
          {t('leads.columns')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('leads.columnsHint')}</Menu.Label>
        <Stack gap={8} p="xs" role="group" aria-label={t('leads.columns')}>
          {LEAD_COLUMNS.filter((column) => !hidden.includes(column)).map((column) => (
            <Checkbox
              key={column}
              label={columnTitle(t, column)}
              checked={columns.includes(column)}
              disabled={column === REQUIRED_COLUMN}
              onChange={(event) => toggle(column, event.currentTarget.checked)}
            />
          ))}
        </Stack>
      </Menu.Dropdown>
    </Menu>
  );
}
