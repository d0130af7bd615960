import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { totpCodeInput } from '@mg/shared';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { FullPageLoader } from '../../components/query-states';
import { getApiErrorInfo } from '../../lib/api-error';
import { useAuth } from '../../lib/auth';
import { zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { AuthCard } from './auth-card';
import { safeNextPath } from './safe-next';

/** The second step of signing in: a code from the app, or a recovery code. */
export function CodePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const { status, me, startSession, clearSession } = useAuth();
  const [failure, setFailure] = useState<'invalidCode' | 'rateLimited' | 'generic' | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { code: '' },
    validate: zodResolver(totpCodeInput),
  });
  const verify = useMutation(
    trpc.auth.verifyTotp.mutationOptions({
      onSuccess: async () => {
        await startSession();
        navigate(next, { replace: true });
      },
      onError: (error) => {
        const { domainCode } = getApiErrorInfo(error);
        setFailure(
          domainCode === 'invalidCode' || domainCode === 'rateLimited' ? domainCode : 'generic',
        );
        form.setFieldValue('code', '');
      },
    }),
  );
  const cancel = useMutation(
    trpc.auth.logout.mutationOptions({ onSettled: () => clearSession('logout') }),
  );

  if (status === 'pending') return <FullPageLoader />;
  if (!me) return <Navigate to="/login" replace />;
  if (me.stage !== 'totp' && !verify.isPending) return <Navigate to={next} replace />;

  return (
    <AuthCard title={t('auth.codeTitle')} intro={t('auth.codeIntro')}>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setFailure(null);
          verify.mutate(values);
        })}
      >
        <Stack>
          {failure ? (
            <Alert color="red" variant="light" role="alert">
              {t(`errors.${failure}`)}
            </Alert>
          ) : null}
          <TextInput
            label={t('auth.code')}
            autoComplete="one-time-code"
            inputMode="text"
            required
            data-autofocus
            autoFocus
            key={form.key('code')}
            {...form.getInputProps('code')}
          />
          <Button type="submit" loading={verify.isPending} fullWidth>
            {t('auth.codeSubmit')}
          </Button>
          <Anchor component="button" type="button" size="sm" onClick={() => cancel.mutate()}>
            {t('auth.cancel')}
          </Anchor>
        </Stack>
      </form>
    </AuthCard>
  );
}
