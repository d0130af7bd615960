import { NavLink, Stack } from '@mantine/core';
import { hasPermission, type Permission, type Role } from '@mg/shared';
import {
  IconBuildingSkyscraper,
  IconCalendarTime,
  IconChartBar,
  IconClipboardList,
  IconDeviceDesktop,
  IconFileCertificate,
  IconHomeSearch,
  IconListDetails,
  IconShieldCheck,
  IconSpeakerphone,
  IconUserShield,
  IconUsers,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterNavLink, useLocation } from 'react-router';
import { useCurrentUser } from '../../lib/auth';

export type NavItem = {
  to: string;
  label:
    | 'dashboard'
    | 'leads'
    | 'projects'
    | 'subsidiaries'
    | 'audience'
    | 'policy'
    | 'retention'
    | 'processing'
    | 'requests'
    | 'audit'
    | 'users'
    | 'sessions';
  icon: ComponentType<{ size?: number; 'aria-hidden'?: boolean }>;
  /** Everyone sees the entries without a permission. */
  permission?: Permission;
};

export const NAV_ITEMS: NavItem[] = [
  { to: '/dashboard', label: 'dashboard', icon: IconChartBar, permission: 'dashboard:read' },
  { to: '/leads', label: 'leads', icon: IconListDetails, permission: 'lead:read' },
  { to: '/projects', label: 'projects', icon: IconHomeSearch, permission: 'project:read' },
  {
    to: '/subsidiaries',
    label: 'subsidiaries',
    icon: IconBuildingSkyscraper,
    permission: 'subsidiary:read',
  },
  {
    to: '/audience',
    label: 'audience',
    icon: IconSpeakerphone,
    permission: 'audience:export',
  },
  { to: '/requests', label: 'requests', icon: IconUserShield, permission: 'dsr:manage' },
  { to: '/policy', label: 'policy', icon: IconFileCertificate, permission: 'policy:publish' },
  {
    to: '/retention',
    label: 'retention',
    icon: IconCalendarTime,
    permission: 'retention:manage',
  },
  {
    to: '/processing',
    label: 'processing',
    icon: IconClipboardList,
    permission: 'processing:read',
  },
  { to: '/audit', label: 'audit', icon: IconShieldCheck, permission: 'audit:read' },
  { to: '/users', label: 'users', icon: IconUsers, permission: 'user:read' },
  { to: '/sessions', label: 'sessions', icon: IconDeviceDesktop },
];

/** The screens a role may open: the menu, and the command palette's "Sider". */
export function visibleNavItems(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.permission || hasPermission(role, item.permission));
}

export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const { role } = useCurrentUser();
  const { pathname } = useLocation();
  const items = visibleNavItems(role);

  return (
    <Stack gap={4} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
      {items.map(({ to, label, icon: Icon }) => (
        <li key={to}>
          <NavLink
            component={RouterNavLink}
            to={to}
            label={t(`nav.${label}`)}
            leftSection={<Icon aria-hidden size={20} />}
            active={pathname === to || pathname.startsWith(`${to}/`)}
            onClick={onNavigate}
            variant="light"
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        </li>
      ))}
    </Stack>
  );
}
