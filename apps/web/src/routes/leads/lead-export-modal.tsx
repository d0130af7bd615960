import { Alert, Button, Group, List, Modal, Select, Stack, Text } from '@mantine/core';
import {
  EXPORT_PURPOSES,
  type ExportPurpose,
  type LeadColumn,
  type LeadFilterParams,
  leadExportPath,
} from '@mg/shared';
import { IconDownload, IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The CSV export of exactly what the grid shows. A purpose is required, because the access
 * log records why personal data left the system, with the ids of every row.
 */
export function LeadExportModal({
  opened,
  onClose,
  filter,
  columns,
  total,
}: {
  opened: boolean;
  onClose: () => void;
  filter: LeadFilterParams;
  columns: readonly LeadColumn[];
  total: string;
}) {
  const { t } = useTranslation();
  const [purpose, setPurpose] = useState<ExportPurpose | null>(null);
  const close = () => {
    setPurpose(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('export.title')} centered>
      <Stack>
        <Text size="sm">{t('export.intro', { total })}</Text>
        <Alert variant="light" color="blue" icon={<IconInfoCircle aria-hidden />}>
          <List size="sm" spacing={4}>
            <List.Item>{t('export.restrictedLeftOut')}</List.Item>
            <List.Item>{t('export.logged')}</List.Item>
            <List.Item>{t('export.columns', { count: columns.length })}</List.Item>
          </List>
        </Alert>
        <Select
          label={t('export.purpose')}
          placeholder={t('export.choosePurpose')}
          required
          allowDeselect={false}
          data={EXPORT_PURPOSES.map((value) => ({
            value,
            label: t(`exportPurpose.${value}`),
          }))}
          value={purpose}
          onChange={(value) => setPurpose(EXPORT_PURPOSES.find((p) => p === value) ?? null)}
          data-autofocus
        />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          {purpose ? (
            <Button
              component="a"
              href={leadExportPath(filter, columns, purpose)}
              download
              leftSection={<IconDownload aria-hidden size={16} />}
              onClick={() => setTimeout(close, 0)}
            >
              {t('export.download')}
            </Button>
          ) : (
            <Button disabled leftSection={<IconDownload aria-hidden size={16} />}>
              {t('export.download')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
