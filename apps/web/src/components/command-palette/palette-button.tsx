import { ActionIcon, Button, Kbd } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useTranslation } from '../../lib/use-translation';
import { DeferredTooltip } from '../lazy/tooltip';
import { palette } from './palette-store';

/** Typing in a field, or inside a dialog: "/" is a character there, not a shortcut. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('[role="dialog"]')) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The page's own search box if it has one (the grid's), which "/" focuses. */
function pageSearchBox(): HTMLInputElement | null {
  return document.querySelector<HTMLInputElement>('[data-page-search], main input[type="search"]');
}

/**
 * Ctrl+K (⌘K) toggles the palette, from inside a text field too (it is not a character anyone
 * types); "/" focuses the page's search box, or opens the palette on pages without one. Here,
 * in the header, rather than in the palette: the palette loads after the first paint, and a
 * key pressed before then must still open it (the store remembers until it mounts).
 */
function usePaletteKeys() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey) && !event.altKey) {
        event.preventDefault();
        palette.toggle();
        return;
      }
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      event.preventDefault();
      const box = pageSearchBox();
      if (box) {
        box.focus();
        box.select();
      } else palette.open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Opens the palette from the header: the visible way in for those who don't know Ctrl+K. */
export function PaletteButton() {
  const { t } = useTranslation();
  usePaletteKeys();
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
      <DeferredTooltip label={t('palette.open')}>
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
      </DeferredTooltip>
    </>
  );
}
