import { Menu, Text } from '@mantine/core';
import { IconDeviceDesktop, IconLogout, IconUserCircle } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useAuth, useCurrentUser } from '../../lib/auth';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { UserMenuTrigger } from './user-menu-trigger';

/** Loaded just after the first paint (user-menu-trigger.tsx paints its button at once). */
export default function UserMenu() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const user = useCurrentUser();
  const { clearSession } = useAuth();
  // Even if the server call fails, this tab forgets the user: the cookie expires on its own.
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({ onSettled: () => clearSession('logout') }),
  );

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UserMenuTrigger />
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)">
            {user.name}
          </Text>
          <Text size="xs">{t(`roles.${user.role}`)}</Text>
          {user.subsidiaryName ? <Text size="xs">{user.subsidiaryName}</Text> : null}
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item
          component={Link}
          to="/account"
          leftSection={<IconUserCircle aria-hidden size={16} />}
        >
          {t('nav.account')}
        </Menu.Item>
        <Menu.Item
          component={Link}
          to="/sessions"
          leftSection={<IconDeviceDesktop aria-hidden size={16} />}
        >
          {t('nav.sessions')}
        </Menu.Item>
        <Menu.Item
          color="red"
          leftSection={<IconLogout aria-hidden size={16} />}
          onClick={() => logout.mutate()}
          disabled={logout.isPending}
        >
          {t('user.logout')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
