import type { Permission } from '@mg/shared';
import { Outlet } from 'react-router';
import { useCan } from '../../lib/auth';
import { NoAccessPage } from '../layout/no-access-page';

/** Hides a whole area from roles that lack its permission (the API refuses them anyway). */
export function RequirePermission({ permission }: { permission: Permission }) {
  return useCan(permission) ? <Outlet /> : <NoAccessPage />;
}
