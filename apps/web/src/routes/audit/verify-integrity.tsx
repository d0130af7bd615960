import { Alert, Button } from '@mantine/core';
import { IconShieldCheck, IconShieldX } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { notifyApiError } from '../../lib/form-errors';
import { translateOpen } from '../../lib/translate';
import { useTRPC } from '../../lib/trpc';

/** Re-computes the hash chain on the server and points at the first entry that breaks it. */
export function useVerifyIntegrity() {
  const trpc = useTRPC();
  return useMutation(trpc.audit.verify.mutationOptions({ onError: notifyApiError }));
}

type Verify = ReturnType<typeof useVerifyIntegrity>;

export function VerifyButton({ verify }: { verify: Verify }) {
  const { t } = useTranslation();
  return (
    <Button
      variant="default"
      leftSection={<IconShieldCheck aria-hidden size={18} />}
      loading={verify.isPending}
      onClick={() => verify.mutate()}
    >
      {t('audit.verify')}
    </Button>
  );
}

export function VerifyResult({ verify }: { verify: Verify }) {
  const { t } = useTranslation();
  const result = verify.data;
  if (!result) return null;
  if (result.ok) {
    return (
      <Alert
        color="teal"
        variant="light"
        role="status"
        title={t('audit.verifyOkTitle')}
        icon={<IconShieldCheck aria-hidden />}
        withCloseButton
        closeButtonLabel={t('common.close')}
        onClose={() => verify.reset()}
      >
        {t('audit.verifyOk', { count: result.checked })}
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      variant="filled"
      role="alert"
      title={t('audit.verifyBrokenTitle')}
      icon={<IconShieldX aria-hidden />}
    >
      {t('audit.verifyBroken', {
        id: result.firstBrokenId,
        reason: translateOpen(t, 'verifyReason', result.reason),
        count: result.checked,
      })}
    </Alert>
  );
}
