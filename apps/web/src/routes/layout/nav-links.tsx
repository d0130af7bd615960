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
import { Link, useLocation } from 'react-router';
import { useCurrentUser } from '../../lib/auth';
import { useTranslation } from '../../lib/use-translation';
import { isCurrentNav } from './current-nav';
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
  const { pathname } = useLocation();
  const items = visibleNavItems(role);

  // The link of this page, or of the page above it, is aria-current="page" with the class
  // "active", as NavLink writes them: the styles and assistive technology both read that.
  // Plain Links with the page worked out once here: a NavLink per entry resolved and matched
  // its path on every render (~0.7 ms of the server's drawing of a page, decision 052).
  return (
    <ul className={classes.list}>
      {items.map(({ to, label, icon: Icon }) => {
        const current = isCurrentNav(pathname, to);
        return (
          <li key={to}>
            <Link
              to={to}
              aria-current={current ? 'page' : undefined}
              className={`mantine-focus-auto ${classes.link}${current ? ' active' : ''}`}
              onClick={onNavigate}
            >
              <span className={classes.icon}>
                <Icon aria-hidden size={20} />
              </span>
              <span className={classes.label}>{t(`nav.${label}`)}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
