import {
  Alert,
  Button,
  Center,
  Group,
  Loader,
  Skeleton,
  Stack,
  Text,
  ThemeIcon,
} from '@mantine/core';
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { errorMessageKey, getApiErrorInfo, isSessionError } from '../lib/api-error';
import { useTranslation } from '../lib/use-translation';

export function FullPageLoader() {
  const { t } = useTranslation();
  return (
    <Center h="100dvh">
      {/* A status, so it may carry a name (a bare span may not: axe's aria-prohibited-attr). */}
      <Loader role="status" aria-label={t('common.loading')} />
    </Center>
  );
}

/** A failed load with a way to try again; the request id lets support find the log line. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const info = getApiErrorInfo(error);
  // An ended session is explained once, by the sign-in dialog over the page, and the read is
  // retried after signing in: no red alert (or retry button that cannot work) beside it.
  if (isSessionError(error)) {
    return (
      <Text c="dimmed" size="sm" role="status">
        {t('session.waiting')}
      </Text>
    );
  }
  return (
    <Alert
      color="red"
      variant="light"
      role="alert"
      title={t('errors.loadFailed')}
      icon={<IconAlertTriangle aria-hidden />}
    >
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{t(errorMessageKey(info))}</Text>
        {info.requestId ? (
          <Text size="xs" c="dimmed">
            {t('errors.reference', { id: info.requestId })}
          </Text>
        ) : null}
        {onRetry ? (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : null}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" gap="xs" py="xl">
      <ThemeIcon size={48} radius="xl" variant="light" color="gray">
        <IconInbox aria-hidden size={26} />
      </ThemeIcon>
      <Text fw={600}>{title}</Text>
      {children}
    </Stack>
  );
}

/** Placeholder rows shaped like the table that is about to appear. */
export function TableSkeleton({ rows = 8 }: { rows?: number }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs" aria-busy="true" aria-label={t('common.loading')}>
      <Skeleton height={36} />
      {Array.from({ length: rows }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders never reorder
        <Group key={index} gap="xs" wrap="nowrap">
          <Skeleton height={28} style={{ flex: 2 }} />
          <Skeleton height={28} style={{ flex: 3 }} />
          <Skeleton height={28} style={{ flex: 1 }} />
        </Group>
      ))}
    </Stack>
  );
}
