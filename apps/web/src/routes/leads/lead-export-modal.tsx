import {
  Alert,
  Button,
  Group,
  List,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import {
  EXPORT_PURPOSES,
  type ExportPurpose,
  type LeadColumn,
  type LeadFilterParams,
  leadExportPath,
} from '@mg/shared';
import { IconDownload, IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from '../../lib/use-translation';

type Format = 'csv' | 'xlsx';

/**
 * The export of exactly what the grid shows, as CSV for Norwegian Excel or as an .xlsx sheet,
 * with headers and labels in the user's language. A purpose is required, because the access
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
  const { t, i18n } = useTranslation();
  const [purpose, setPurpose] = useState<ExportPurpose | null>(null);
  const [format, setFormat] = useState<Format>('csv');
  const lang = i18n.language === 'en' ? 'en' : 'nb';
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
            <List.Item>{t('export.language')}</List.Item>
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
        <Stack gap={4}>
          <Text size="sm" fw={500} id="export-format-label">
            {t('export.format')}
          </Text>
          <SegmentedControl
            aria-labelledby="export-format-label"
            value={format}
            onChange={(value) => setFormat(value === 'xlsx' ? 'xlsx' : 'csv')}
            data={[
              { value: 'csv', label: t('export.formatCsv') },
              { value: 'xlsx', label: t('export.formatXlsx') },
            ]}
          />
        </Stack>
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          {purpose ? (
            <Button
              component="a"
              href={leadExportPath(filter, columns, purpose, { format, lang })}
              download
              leftSection={<IconDownload aria-hidden size={16} />}
              onClick={() => setTimeout(close, 0)}
            >
              {t(format === 'xlsx' ? 'export.downloadXlsx' : 'export.download')}
            </Button>
          ) : (
            <Button disabled leftSection={<IconDownload aria-hidden size={16} />}>
              {t(format === 'xlsx' ? 'export.downloadXlsx' : 'export.download')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
