import { Center } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorState, FullPageLoader } from '../../components/query-states';
import { useAuth } from '../../lib/auth';

/** Everything but the login page needs a session; without one, go log in and come back. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, me, error, sessionEnd, refetch } = useAuth();
  const location = useLocation();

  if (status === 'pending') return <FullPageLoader />;
  if (status === 'error' && !me) {
    return (
      <Center h="100dvh" p="md">
        <ErrorState error={error} onRetry={refetch} />
      </Center>
    );
  }
  if (!me) {
    // After a deliberate logout there is nothing to come back to.
    const next = sessionEnd === 'logout' ? '/' : `${location.pathname}${location.search}`;
    const search = next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
    return <Navigate to={`/login${search}`} replace />;
  }
  // Past the password only: the second step first, and nothing else (the API agrees).
  if (me.stage === 'totp') {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/login/code?next=${encodeURIComponent(next)}`} replace />;
  }
  if (me.stage === 'enrol') return <Navigate to="/enrol" replace />;
  return children;
}
