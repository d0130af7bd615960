import { Alert, Anchor, Button, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { loginInput, totpCodeInput } from '@mg/shared';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { getApiErrorInfo } from '../../lib/api-error';
import { useAuth, useCurrentUser } from '../../lib/auth';
import { zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

type Failure = 'invalidCredentials' | 'invalidCode' | 'rateLimited' | 'network' | 'generic';

function failureOf(error: unknown): Failure {
  const { domainCode, code } = getApiErrorInfo(error);
  if (
    domainCode === 'invalidCredentials' ||
    domainCode === 'invalidCode' ||
    domainCode === 'rateLimited'
  )
    return domainCode;
  return code === undefined ? 'network' : 'generic';
}

/**
 * Signs the same person in again over the page they were on when the session ended: the
 * page, its unsaved input and the change they tried to save all stay; the change is sent
 * once they are back. The one message about the ended session is this dialog.
 */
export function SessionDialog() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const user = useCurrentUser();
  const { resumeSession, startSession, clearSession, pendingChanges } = useAuth();
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [resuming, setResuming] = useState(false);
  const pending = pendingChanges();

  const passwordForm = useForm({
    mode: 'uncontrolled',
    initialValues: { email: user.email, password: '' },
    validate: zodResolver(loginInput),
  });
  const codeForm = useForm({
    mode: 'uncontrolled',
    initialValues: { code: '' },
    validate: zodResolver(totpCodeInput),
  });

  const resume = async () => {
    setResuming(true);
    try {
      await resumeSession();
    } finally {
      setResuming(false);
    }
  };

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async ({ stage }) => {
        if (stage === 'totp') {
          setStep('code');
          return;
        }
        // A user who must first set up a second factor does that on its own page (the
        // guard sends them there once `me` says so).
        if (stage === 'enrol') {
          await startSession();
          return;
        }
        await resume();
      },
      onError: (error) => {
        setFailure(failureOf(error));
        passwordForm.setFieldValue('password', '');
      },
    }),
  );
  const verify = useMutation(
    trpc.auth.verifyTotp.mutationOptions({
      onSuccess: resume,
      onError: (error) => {
        setFailure(failureOf(error));
        codeForm.setFieldValue('code', '');
      },
    }),
  );

  return (
    <Modal
      opened
      onClose={() => undefined}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      centered
      title={t('session.title')}
      overlayProps={{ backgroundOpacity: 0.55, blur: 3 }}
      data-testid="session-dialog"
    >
      <Stack>
        <Text size="sm">
          {pending > 0 ? t('session.introPending', { count: pending }) : t('session.intro')}
        </Text>
        {failure ? (
          <Alert color="red" variant="light" role="alert" icon={<IconAlertCircle aria-hidden />}>
            {t(`errors.${failure}`)}
          </Alert>
        ) : null}
        {step === 'password' ? (
          <form
            noValidate
            onSubmit={passwordForm.onSubmit((values) => {
              setFailure(null);
              login.mutate(values);
            })}
          >
            <Stack>
              <TextInput
                label={t('auth.email')}
                type="email"
                autoComplete="username"
                readOnly
                key={passwordForm.key('email')}
                {...passwordForm.getInputProps('email')}
              />
              <PasswordInput
                label={t('auth.password')}
                autoComplete="current-password"
                required
                data-autofocus
                key={passwordForm.key('password')}
                {...passwordForm.getInputProps('password')}
              />
              <Button type="submit" loading={login.isPending || resuming} fullWidth>
                {t('session.submit')}
              </Button>
            </Stack>
          </form>
        ) : (
          <form
            noValidate
            onSubmit={codeForm.onSubmit((values) => {
              setFailure(null);
              verify.mutate(values);
            })}
          >
            <Stack>
              <TextInput
                label={t('auth.code')}
                description={t('auth.codeIntro')}
                autoComplete="one-time-code"
                required
                data-autofocus
                key={codeForm.key('code')}
                {...codeForm.getInputProps('code')}
              />
              <Button type="submit" loading={verify.isPending || resuming} fullWidth>
                {t('auth.codeSubmit')}
              </Button>
            </Stack>
          </form>
        )}
        <Anchor
          component="button"
          type="button"
          size="sm"
          ta="center"
          onClick={() => clearSession('expired')}
        >
          {t('session.otherUser')}
        </Anchor>
      </Stack>
    </Modal>
  );
}
