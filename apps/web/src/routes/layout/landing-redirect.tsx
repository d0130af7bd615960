import { hasPermission } from '@mg/shared';
import { Navigate } from 'react-router';
import { useCurrentUser } from '../../lib/auth';

/**
 * Staff with the overview start there, other staff at the leads; auditors, who may not see
 * them, at the access log.
 */
export function LandingRedirect() {
  const { role } = useCurrentUser();
  const to = hasPermission(role, 'dashboard:read')
    ? '/dashboard'
    : hasPermission(role, 'lead:read')
      ? '/leads'
      : hasPermission(role, 'audit:read')
        ? '/audit'
        : '/sessions';
  return <Navigate to={to} replace />;
}
