import {
  Alert,
  Anchor,
  Box,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FieldErrors, loginFieldErrors } from '@mg/shared';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { type ChangeEvent, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { FullPageLoader } from '../../components/query-states';
import { getApiErrorInfo } from '../../lib/api-error';
import { useAuth } from '../../lib/auth';
import { ValidationMessage } from '../../lib/form-errors';
import { usePageTitle } from '../../lib/page-title';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { LanguageSwitcher } from '../layout/language-switcher';
import { safeNextPath } from './safe-next';

type LoginFailure = 'invalidCredentials' | 'rateLimited' | 'network' | 'generic';

export function LoginPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.title'));
  const trpc = useTRPC();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = safeNextPath(searchParams.get('next'));
  const passwordSet = searchParams.get('passwordSet') === '1';
  const { status, me, sessionEnd, startSession } = useAuth();
  // Kept as a key, not a sentence, so the message follows a language switch.
  const [failure, setFailure] = useState<LoginFailure | null>(null);

  // Two inputs checked by hand with the API's limits: no form library and no zod on the
  // sign-in page's first load (issue 11). Typing in a field clears its message.
  const [values, setValues] = useState({ email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const change = (field: 'email' | 'password') => (event: ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _cleared, ...rest }) => rest);
  };
  const errorOf = (field: 'email' | 'password') => {
    const first = errors[field]?.[0];
    return first ? <ValidationMessage error={first} /> : undefined;
  };

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async () => {
        await startSession();
        navigate(next, { replace: true });
      },
      onError: (error) => {
        const { domainCode, code } = getApiErrorInfo(error);
        // One message for unknown e-mail and wrong password alike: no user enumeration.
        if (domainCode === 'rateLimited' || domainCode === 'invalidCredentials')
          setFailure(domainCode);
        else setFailure(code === undefined ? 'network' : 'generic');
        setValues((current) => ({ ...current, password: '' }));
      },
    }),
  );

  if (status === 'pending') return <FullPageLoader />;
  if (me && !login.isPending) return <Navigate to={next} replace />;

  return (
    <Box bg="gray.0" mih="100dvh">
      <Group justify="flex-end" p="md">
        <LanguageSwitcher />
      </Group>
      <Center px="md" pb="xl">
        <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }} w="100%" maw={420}>
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              const problems = loginFieldErrors(values);
              setErrors(problems);
              if (Object.keys(problems).length > 0) return;
              setFailure(null);
              login.mutate(values);
            }}
          >
            <Stack>
              <div>
                <Text c="indigo.7" fw={700} size="sm">
                  MG Leads
                </Text>
                <Title order={1} fz="h2">
                  {t('auth.title')}
                </Title>
                <Text c="dimmed" size="sm" mt={4}>
                  {t('auth.subtitle')}
                </Text>
              </div>
              {passwordSet && !failure ? (
                <Alert color="teal" variant="light" role="status">
                  {t('auth.passwordSet')}
                </Alert>
              ) : null}
              {sessionEnd && !failure ? (
                <Alert
                  color={sessionEnd === 'expired' ? 'yellow' : 'blue'}
                  variant="light"
                  role="status"
                >
                  {t(sessionEnd === 'expired' ? 'auth.sessionExpired' : 'auth.loggedOut')}
                </Alert>
              ) : null}
              {failure ? (
                <Alert
                  color="red"
                  variant="light"
                  role="alert"
                  icon={<IconAlertCircle aria-hidden />}
                >
                  {t(`errors.${failure}`)}
                </Alert>
              ) : null}
              <TextInput
                label={t('auth.email')}
                type="email"
                autoComplete="username"
                required
                value={values.email}
                onChange={change('email')}
                error={errorOf('email')}
              />
              <PasswordInput
                label={t('auth.password')}
                autoComplete="current-password"
                required
                value={values.password}
                onChange={change('password')}
                error={errorOf('password')}
              />
              <Button type="submit" loading={login.isPending} fullWidth mt="xs">
                {t('auth.submit')}
              </Button>
              <Anchor component={Link} to="/forgot-password" size="sm" ta="center">
                {t('auth.forgot')}
              </Anchor>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
