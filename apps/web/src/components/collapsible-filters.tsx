import { Badge, Button, Collapse, useMantineTheme } from '@mantine/core';
import { useDisclosure, useId } from '@mantine/hooks';
import { IconAdjustmentsHorizontal } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useMediaQueryAfterHydration } from '../lib/hydrating';
import { useTranslation } from '../lib/use-translation';

/**
 * On a phone a full set of filters would push the results off the screen, so there they
 * fold away behind a button that says how many are in use. Wider screens always show them.
 */
export function CollapsibleFilters({
  activeCount,
  children,
}: {
  activeCount: number;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  // Read synchronously: no flash of folded filters on a desktop's first render (the server's
  // HTML and its hydration show them unfolded too).
  const wide = useMediaQueryAfterHydration(`(min-width: ${theme.breakpoints.sm})`, true);
  const [opened, { toggle }] = useDisclosure(false);
  const id = useId();

  if (wide) return children;
  return (
    <>
      <Button
        variant="default"
        fullWidth
        leftSection={<IconAdjustmentsHorizontal aria-hidden size={18} />}
        rightSection={
          activeCount > 0 ? (
            <Badge size="sm" circle aria-label={t('filters.activeCount', { count: activeCount })}>
              {activeCount}
            </Badge>
          ) : null
        }
        aria-expanded={opened}
        aria-controls={id}
        onClick={toggle}
      >
        {opened ? t('filters.hide') : t('filters.show')}
      </Button>
      <Collapse expanded={opened} id={id} keepMounted>
        <div style={{ paddingTop: 'var(--mantine-spacing-sm)' }}>{children}</div>
      </Collapse>
    </>
  );
}
