import { Alert, Button, Group, List } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAnchor, IconShieldCheck, IconShieldSearch, IconShieldX } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { notifyApiError } from '../../lib/form-errors';
import { formatDateTime } from '../../lib/format';
import { translateOpen } from '../../lib/translate';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

/**
 * Checks the log on the server (in a worker thread) against its signed anchors: by default
 * only the entries since the newest anchor, or the whole chain on request.
 */
export function useVerifyIntegrity() {
  const trpc = useTRPC();
  return useMutation(trpc.audit.verify.mutationOptions({ onError: notifyApiError }));
}

type Verify = ReturnType<typeof useVerifyIntegrity>;

export function VerifyButtons({ verify }: { verify: Verify }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const anchor = useMutation(
    trpc.audit.anchor.mutationOptions({
      onError: notifyApiError,
      onSuccess: ({ anchored }) =>
        notifications.show({
          color: 'teal',
          message: anchored ? t('audit.anchored', { id: anchored.id }) : t('audit.anchorNothing'),
        }),
    }),
  );
  const mode = verify.variables?.mode;
  return (
    <Group gap="xs">
      <Button
        variant="default"
        leftSection={<IconShieldCheck aria-hidden size={18} />}
        loading={verify.isPending && mode !== 'full'}
        disabled={verify.isPending && mode === 'full'}
        onClick={() => verify.mutate({ mode: 'incremental' })}
      >
        {t('audit.verify')}
      </Button>
      <Button
        variant="subtle"
        leftSection={<IconShieldSearch aria-hidden size={18} />}
        loading={verify.isPending && mode === 'full'}
        disabled={verify.isPending && mode !== 'full'}
        onClick={() => verify.mutate({ mode: 'full' })}
      >
        {t('audit.verifyFull')}
      </Button>
      <Button
        variant="subtle"
        leftSection={<IconAnchor aria-hidden size={18} />}
        loading={anchor.isPending}
        onClick={() => anchor.mutate()}
      >
        {t('audit.anchorNow')}
      </Button>
    </Group>
  );
}

type Check = NonNullable<Verify['data']>;

/** What was checked: range, time, chain head and newest anchor. */
function CheckFacts({ result }: { result: Check }) {
  const { t } = useTranslation();
  return (
    <List size="sm" spacing={2} mt="xs">
      <List.Item>
        {result.mode === 'full' ? t('audit.verifyModeFull') : t('audit.verifyModeIncremental')}
      </List.Item>
      <List.Item>
        {result.checked > 0
          ? t('audit.verifyRange', { from: result.fromId, to: result.toId })
          : t('audit.verifyRangeNone')}
      </List.Item>
      <List.Item>
        {t('audit.verifyAt', { time: formatDateTime(result.checkedAt), ms: result.durationMs })}
      </List.Item>
      <List.Item>
        {result.head ? (
          <span title={result.head.hash}>
            {t('audit.verifyHead', {
              id: result.head.id,
              hash: `${result.head.hash.slice(0, 16)}…`,
              time: formatDateTime(result.head.at),
            })}
          </span>
        ) : (
          t('audit.verifyHeadNone')
        )}
      </List.Item>
      <List.Item>
        {result.anchor
          ? t('audit.verifyAnchor', {
              id: result.anchor.id,
              time: formatDateTime(result.anchor.anchoredAt),
              count: result.anchors,
            })
          : t('audit.verifyAnchorNone')}
      </List.Item>
    </List>
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
        <CheckFacts result={result} />
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
      {result.reason === 'anchorForged'
        ? t('audit.verifyBrokenAnchor', { line: result.anchorLine ?? '?' })
        : t('audit.verifyBroken', {
            id: result.firstBrokenId,
            reason: translateOpen(t, 'verifyReason', result.reason),
            count: result.checked,
          })}
      <CheckFacts result={result} />
    </Alert>
  );
}
