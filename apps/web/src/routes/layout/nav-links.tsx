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
import { NavLink } from 'react-router';
import { useCurrentUser } from '../../lib/auth';
import { useTranslation } from '../../lib/use-translation';
import classes from './nav-links.module.css';

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
  const items = visibleNavItems(role);

  // React Router marks the link of this page, or of the page above it, aria-current="page":
  // the styles and assistive technology both read that.
  return (
    <ul className={classes.list}>
      {items.map(({ to, label, icon: Icon }) => (
        <li key={to}>
          <NavLink to={to} className={`mantine-focus-auto ${classes.link}`} onClick={onNavigate}>
            <span className={classes.icon}>
              <Icon aria-hidden size={20} />
            </span>
            <span className={classes.label}>{t(`nav.${label}`)}</span>
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
