import { ActionIcon, Button, Kbd, Tooltip } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { palette } from './palette-store';

/** Opens the palette from the header: the visible way in for those who don't know Ctrl+K. */
export function PaletteButton() {
  const { t } = useTranslation();
  return (
    <>
      <Button
        variant="default"
        size="sm"
        visibleFrom="md"
        leftSection={<IconSearch aria-hidden size={16} />}
        rightSection={<Kbd size="xs">{t('palette.shortcut')}</Kbd>}
        onClick={palette.open}
        aria-label={t('palette.open')}
        c="dimmed"
        fw={400}
      >
        {t('palette.label')}
      </Button>
      <Tooltip label={t('palette.open')}>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="lg"
          hiddenFrom="md"
          onClick={palette.open}
          aria-label={t('palette.open')}
        >
          <IconSearch aria-hidden size={20} />
        </ActionIcon>
      </Tooltip>
    </>
  );
}
