import { Alert, Anchor, Button, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { forgotPasswordInput } from '@mg/shared';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { applyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { AuthCard } from './auth-card';

/** The same answer whether or not the address belongs to someone. */
export function ForgotPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { email: '' },
    validate: zodResolver(forgotPasswordInput),
  });
  const send = useMutation(
    trpc.auth.forgotPassword.mutationOptions({ onError: (error) => applyApiError(form, error) }),
  );
  return (
    <AuthCard title={t('auth.forgotTitle')} intro={t('auth.forgotIntro')}>
      {send.isSuccess ? (
        <Alert color="teal" variant="light" role="status">
          {t('auth.forgotSent')}
        </Alert>
      ) : (
        <form noValidate onSubmit={form.onSubmit((values) => send.mutate(values))}>
          <Stack>
            <TextInput
              label={t('auth.email')}
              type="email"
              autoComplete="username"
              required
              key={form.key('email')}
              {...form.getInputProps('email')}
            />
            <Button type="submit" loading={send.isPending} fullWidth>
              {t('auth.forgotSubmit')}
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} to="/login" size="sm">
        {t('auth.backToLogin')}
      </Anchor>
    </AuthCard>
  );
}
