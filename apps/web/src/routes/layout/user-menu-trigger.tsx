import { Group, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';
import type { ComponentPropsWithRef } from 'react';
import { afterPaint } from '../../components/lazy/after-paint';
import { useCurrentUser } from '../../lib/auth';
import { useTranslation } from '../../lib/use-translation';
import classes from './user-menu-trigger.module.css';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  const first = parts[0]?.[0] ?? '';
  const last = parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '';
  return `${first}${last}`.toUpperCase();
}

/** The user menu's button: the menu (user-menu.tsx) wraps it once its code is there. */
export function UserMenuTrigger(props: ComponentPropsWithRef<'button'>) {
  const { t } = useTranslation();
  const user = useCurrentUser();
  return (
    <UnstyledButton aria-label={t('user.menu', { name: user.name })} px={4} py={2} {...props}>
      <Group gap="xs" wrap="nowrap">
        <span className={classes.avatar} aria-hidden>
          {initials(user.name)}
        </span>
        <div style={{ lineHeight: 1.1 }}>
          <Text size="sm" fw={600} visibleFrom="sm" lh={1.2}>
            {user.name}
          </Text>
          <Text size="xs" c="dimmed" visibleFrom="sm" lh={1.2}>
            {t(`roles.${user.role}`)}
          </Text>
        </div>
        <IconChevronDown aria-hidden size={14} />
      </Group>
    </UnstyledButton>
  );
}

/**
 * The header's user menu. Mantine's Menu brings floating-ui and focus handling, so it comes
 * just after the first paint (issue 11); until then its button paints, aria-disabled.
 */
export const DeferredUserMenu = afterPaint<object>(
  () => import('./user-menu'),
  () => <UserMenuTrigger aria-disabled />,
);
