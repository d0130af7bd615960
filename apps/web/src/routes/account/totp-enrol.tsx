import {
  Alert,
  Button,
  Code,
  Group,
  Image,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { getApiErrorInfo } from '../../lib/api-error';
import { notifyApiError } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

/**
 * Switching the second factor on: a QR code (rendered by the server), the key for typing in,
 * a first code to prove the app works, then the recovery codes, shown this once.
 */
export function TotpEnrol({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const [code, setCode] = useState('');
  const [wrong, setWrong] = useState(false);
  const begin = useMutation(trpc.account.totpBegin.mutationOptions({ onError: notifyApiError }));
  const confirm = useMutation(
    trpc.account.totpConfirm.mutationOptions({
      onError: (error) => {
        if (getApiErrorInfo(error).domainCode === 'invalidCode') setWrong(true);
        else notifyApiError(error);
        setCode('');
      },
    }),
  );

  if (confirm.data)
    return (
      <Stack>
        <Text fw={600}>{t('account.recoveryTitle')}</Text>
        <Text size="sm">{t('account.recoveryBody')}</Text>
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs" aria-label={t('account.recoveryTitle')}>
          {confirm.data.recoveryCodes.map((c) => (
            <Code key={c} ta="center" fz="sm" data-testid="recovery-code">
              {c}
            </Code>
          ))}
        </SimpleGrid>
        <Group>
          <Button onClick={onDone}>{t('account.recoveryDone')}</Button>
        </Group>
      </Stack>
    );

  if (!begin.data)
    return (
      <Group>
        <Button onClick={() => begin.mutate()} loading={begin.isPending}>
          {t('account.totpStart')}
        </Button>
      </Group>
    );

  const { qrSvg, secret } = begin.data;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setWrong(false);
        confirm.mutate({ code });
      }}
    >
      <Stack>
        <Text size="sm">{t('account.totpScan')}</Text>
        <Image
          src={`data:image/svg+xml;utf8,${encodeURIComponent(qrSvg)}`}
          alt="QR"
          w={200}
          h={200}
          bg="white"
        />
        <div>
          <Text size="sm" c="dimmed">
            {t('account.totpSecret')}
          </Text>
          <Code fz="sm" data-testid="totp-secret" style={{ overflowWrap: 'anywhere' }}>
            {secret}
          </Code>
        </div>
        <TextInput
          label={t('auth.code')}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          w={160}
          value={code}
          onChange={(event) => setCode(event.currentTarget.value.replace(/\D/g, ''))}
          error={wrong}
        />
        {wrong ? (
          <Alert color="red" variant="light" role="alert">
            {t('errors.invalidCode')}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" loading={confirm.isPending} disabled={code.length !== 6}>
            {t('account.totpConfirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
