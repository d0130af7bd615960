import { Badge, Button, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceDesktop, IconLogout } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useState } from 'react';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { useAuth } from '../../lib/auth';
import { notifyApiError } from '../../lib/form-errors';
import { formatDateTime, formatRelative } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { describeUserAgent } from './describe-user-agent';

type Session = RouterOutputs['auth']['sessions'][number];

export function SessionsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { clearSession } = useAuth();
  const sessions = useQuery(trpc.auth.sessions.queryOptions());
  const [revoking, setRevoking] = useState<Session | null>(null);

  const revoke = useMutation(
    trpc.auth.revokeSession.mutationOptions({
      onSuccess: async (_result, { id }) => {
        const wasCurrent = sessions.data?.find((session) => session.id === id)?.current ?? false;
        setRevoking(null);
        // Ending the session this tab uses is a logout.
        if (wasCurrent) return clearSession('logout');
        notifications.show({ color: 'teal', message: t('sessions.revoked') });
        await queryClient.invalidateQueries(trpc.auth.sessions.pathFilter());
      },
      onError: (error) => {
        setRevoking(null);
        notifyApiError(error);
      },
    }),
  );

  const describe = (session: Session) => {
    const device = describeUserAgent(session.userAgent);
    return device ? t('sessions.deviceOn', device) : t('sessions.unknownDevice');
  };

  return (
    <>
      <PageHeader title={t('sessions.title')} description={t('sessions.description')} />
      <Paper withBorder radius="md">
        {sessions.isPending ? (
          <TableSkeleton rows={3} />
        ) : sessions.isError ? (
          <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
        ) : sessions.data.length === 0 ? (
          <EmptyState title={t('sessions.empty')} />
        ) : (
          <DataTable
            aria-label={t('sessions.title')}
            records={sessions.data}
            idAccessor="id"
            verticalSpacing="sm"
            columns={[
              {
                accessor: 'device',
                title: t('sessions.device'),
                render: (session) => (
                  <Group gap="xs" wrap="nowrap">
                    <IconDeviceDesktop aria-hidden size={20} />
                    <Stack gap={0}>
                      <Tooltip label={session.userAgent ?? '—'} multiline maw={360}>
                        <Text size="sm" fw={500}>
                          {describe(session)}
                        </Text>
                      </Tooltip>
                      {session.current ? (
                        <Badge color="teal" variant="light" size="sm" w="fit-content">
                          {t('sessions.current')}
                        </Badge>
                      ) : null}
                    </Stack>
                  </Group>
                ),
              },
              {
                accessor: 'ip',
                title: t('sessions.ip'),
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
                render: (session) => (
                  <Text size="sm" ff="monospace">
                    {session.ip ?? '—'}
                  </Text>
                ),
              },
              {
                accessor: 'createdAt',
                title: t('sessions.createdAt'),
                noWrap: true,
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
                render: (session) => formatDateTime(session.createdAt),
              },
              {
                accessor: 'lastActiveAt',
                title: t('sessions.lastActiveAt'),
                noWrap: true,
                render: (session) => (
                  <Tooltip label={formatDateTime(session.lastActiveAt)}>
                    <Text size="sm">{formatRelative(session.lastActiveAt)}</Text>
                  </Tooltip>
                ),
              },
              {
                accessor: 'actions',
                title: t('common.actions'),
                textAlign: 'right',
                render: (session) => (
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    leftSection={<IconLogout aria-hidden size={14} />}
                    aria-label={t('sessions.revokeNamed', { device: describe(session) })}
                    onClick={() => setRevoking(session)}
                  >
                    {t('sessions.revoke')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Paper>
      <ConfirmModal
        opened={revoking !== null}
        title={t('sessions.revokeTitle')}
        confirmLabel={t('sessions.revoke')}
        danger
        loading={revoke.isPending}
        onClose={() => setRevoking(null)}
        onConfirm={() => {
          if (revoking) revoke.mutate({ id: revoking.id });
        }}
      >
        <Text size="sm">
          {revoking?.current
            ? t('sessions.revokeCurrentBody')
            : t('sessions.revokeBody', { device: revoking ? describe(revoking) : '' })}
        </Text>
      </ConfirmModal>
    </>
  );
}
