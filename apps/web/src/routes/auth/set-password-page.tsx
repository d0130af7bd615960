import { Alert, Anchor, Button, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { setPasswordInput } from '@mg/shared';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { FullPageLoader } from '../../components/query-states';
import { getApiErrorInfo } from '../../lib/api-error';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { PasswordRules } from '../account/password-rules';
import { AuthCard } from './auth-card';

/**
 * From an invitation or reset link. The token is in the URL fragment, which browsers never
 * send to a server (nor in a Referer header).
 */
export function SetPasswordPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [token] = useState(
    () => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '',
  );
  const info = useQuery({
    ...trpc.auth.linkInfo.queryOptions({ token }),
    enabled: token.length > 0,
    retry: false,
  });
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { password: '', confirm: '' },
    validate: (values) => ({
      // The server's own rules, checked here first so the answer comes at once.
      ...zodResolver(setPasswordInput, (v: typeof values) => ({ token, password: v.password }))(
        values,
      ),
      ...(values.confirm === values.password ? {} : { confirm: 'mismatch' }),
    }),
  });
  const save = useMutation(
    trpc.auth.setPassword.mutationOptions({
      onSuccess: () => navigate('/login?passwordSet=1', { replace: true }),
      onError: (error) => applyApiError(form, error),
    }),
  );

  if (token && info.isPending) return <FullPageLoader />;
  const invalid =
    !token ||
    (info.isError && getApiErrorInfo(info.error).domainCode === 'linkInvalid') ||
    getApiErrorInfo(save.error).domainCode === 'linkInvalid';
  if (invalid || !info.data)
    return (
      <AuthCard title={t('setPassword.title')}>
        <Alert color="red" variant="light" role="alert">
          {token ? t('errors.linkInvalid') : t('setPassword.noToken')}
        </Alert>
        <Anchor component={Link} to="/forgot-password" size="sm">
          {t('auth.forgot')}
        </Anchor>
      </AuthCard>
    );

  return (
    <AuthCard
      title={t('setPassword.title')}
      intro={t(info.data.kind === 'invite' ? 'setPassword.welcome' : 'setPassword.reset', {
        name: info.data.name,
      })}
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => save.mutate({ token, password: values.password }))}
      >
        <Stack>
          <PasswordInput
            label={t('setPassword.password')}
            autoComplete="new-password"
            description={<PasswordRules />}
            required
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <PasswordInput
            label={t('setPassword.confirm')}
            autoComplete="new-password"
            required
            key={form.key('confirm')}
            {...form.getInputProps('confirm')}
            error={form.errors.confirm ? t('setPassword.mismatch') : undefined}
          />
          <Button type="submit" loading={save.isPending} fullWidth>
            {t('setPassword.submit')}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
