import { ActionIcon, Button } from '@mantine/core';
import { IconBookmark, IconColumns } from '@tabler/icons-react';
import type { ComponentProps } from 'react';
import { afterPaint } from '../../components/lazy/after-paint';
import { useCan } from '../../lib/auth';
import { useTranslation } from '../../lib/use-translation';
import type { LeadBulkBar } from './lead-bulk-bar';
import type { LeadColumnMenu } from './lead-column-menu';
import type { LeadExportModal } from './lead-export-modal';
import type { SavedViewsMenu } from './saved-views-menu';

/*
 * The grid's tools whose code comes just after its first paint (issue 11): menus, the bulk
 * bar and the export dialog bring floating-ui, focus traps, forms and zod, none of which the
 * rows need to show. Each button paints at once as an aria-disabled look-alike.
 */

function ViewsPlaceholder({ compact = false }: ComponentProps<typeof SavedViewsMenu>) {
  const { t } = useTranslation();
  if (!useCan('view:manage')) return null;
  return compact ? (
    <ActionIcon variant="default" size={36} aria-label={t('views.title')} aria-disabled>
      <IconBookmark aria-hidden size={18} />
    </ActionIcon>
  ) : (
    <Button
      variant="default"
      size="sm"
      leftSection={<IconBookmark aria-hidden size={16} />}
      aria-disabled
    >
      {t('views.title')}
    </Button>
  );
}

function ColumnsPlaceholder() {
  const { t } = useTranslation();
  return (
    <Button
      variant="default"
      size="sm"
      leftSection={<IconColumns aria-hidden size={16} />}
      aria-disabled
    >
      {t('leads.columns')}
    </Button>
  );
}

export const DeferredSavedViewsMenu = afterPaint<ComponentProps<typeof SavedViewsMenu>>(
  () => import('./saved-views-menu').then((module) => ({ default: module.SavedViewsMenu })),
  ViewsPlaceholder,
);

export const DeferredColumnMenu = afterPaint<ComponentProps<typeof LeadColumnMenu>>(
  () => import('./lead-column-menu').then((module) => ({ default: module.LeadColumnMenu })),
  ColumnsPlaceholder,
);

/** Shown only once rows are ticked, which is after the first paint anyway. */
export const DeferredBulkBar = afterPaint<ComponentProps<typeof LeadBulkBar>>(
  () => import('./lead-bulk-bar').then((module) => ({ default: module.LeadBulkBar })),
  () => null,
);

/** Closed until asked for; a click before its code is there opens it when it arrives. */
export const DeferredExportModal = afterPaint<ComponentProps<typeof LeadExportModal>>(
  () => import('./lead-export-modal').then((module) => ({ default: module.LeadExportModal })),
  () => null,
);
