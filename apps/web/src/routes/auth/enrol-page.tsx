import { Alert, Anchor, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Navigate, useNavigate } from 'react-router';
import { FullPageLoader } from '../../components/query-states';
import { useAuth } from '../../lib/auth';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { TotpEnrol } from '../account/totp-enrol';
import { AuthCard } from './auth-card';

/**
 * Right after the password, for a role that requires a second factor not yet set up: the
 * server accepts nothing else from this session until it is done.
 */
export function EnrolPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { status, me, startSession, clearSession } = useAuth();
  const cancel = useMutation(
    trpc.auth.logout.mutationOptions({ onSettled: () => clearSession('logout') }),
  );
  if (status === 'pending') return <FullPageLoader />;
  if (!me) return <Navigate to="/login" replace />;

  return (
    <AuthCard title={t('account.enrolTitle')} width={560}>
      <Stack>
        <Alert color="yellow" variant="light">
          {t('account.totpRequired')}
        </Alert>
        <TotpEnrol
          onDone={async () => {
            await startSession();
            navigate('/', { replace: true });
          }}
        />
        <Anchor component="button" type="button" size="sm" onClick={() => cancel.mutate()}>
          {t('auth.cancel')}
        </Anchor>
      </Stack>
    </AuthCard>
  );
}
