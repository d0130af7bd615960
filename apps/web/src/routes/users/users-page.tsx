import {
  ActionIcon,
  Badge,
  Button,
  Menu,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { ROLES, type Role, USER_STATUSES, type UserStatus } from '@mg/shared';
import {
  IconDots,
  IconKey,
  IconLockOpen,
  IconMailForward,
  IconMailOff,
  IconPlus,
  IconSearch,
  IconUserCheck,
  IconUserCog,
  IconUserOff,
} from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useMemo, useState } from 'react';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { useCan } from '../../lib/auth';
import { notifyApiError } from '../../lib/form-errors';
import { formatDateTime, formatRelative } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { AccessModal } from './access-modal';
import { InviteModal } from './invite-modal';
import { TotpRolesCard } from './totp-roles-card';

export type UserRow = RouterOutputs['user']['list'][number];

const STATUS_COLOR: Record<UserStatus, string> = {
  invited: 'blue',
  active: 'teal',
  deactivated: 'gray',
  locked: 'red',
};

type Confirm = { kind: 'deactivate' | 'revoke' | 'reset'; user: UserRow } | null;

export function UsersPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useCan('user:manage');
  const canSeeSubsidiaries = useCan('subsidiary:read');
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 300);
  const [role, setRole] = useState<Role | null>(null);
  const [status, setStatus] = useState<UserStatus | null>(null);
  const [subsidiaryId, setSubsidiaryId] = useState<string | null>(null);
  const [inviting, setInviting] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);

  const list = useQuery(
    trpc.user.list.queryOptions({
      search: debouncedSearch || undefined,
      role: role ?? undefined,
      status: status ?? undefined,
      subsidiaryId: subsidiaryId ? Number(subsidiaryId) : undefined,
    }),
  );
  const subsidiaries = useQuery({
    ...trpc.subsidiary.list.queryOptions(),
    enabled: canSeeSubsidiaries,
  });
  const subsidiaryOptions = useMemo(() => {
    if (subsidiaries.data)
      return subsidiaries.data.map((s) => ({ value: String(s.id), label: s.name }));
    // Without subsidiary:read (the auditor), the names come from the users listed.
    const seen = new Map<number, string>();
    for (const u of list.data ?? [])
      if (u.subsidiaryId && u.subsidiaryName) seen.set(u.subsidiaryId, u.subsidiaryName);
    return [...seen].map(([id, name]) => ({ value: String(id), label: name }));
  }, [subsidiaries.data, list.data]);

  const refresh = () => queryClient.invalidateQueries(trpc.user.list.pathFilter());
  const done = (message = t('users.done')) => {
    setConfirm(null);
    notifications.show({ color: 'teal', message });
    return refresh();
  };
  const onError = (error: unknown) => {
    setConfirm(null);
    notifyApiError(error);
  };
  const resend = useMutation(
    trpc.user.resendInvitation.mutationOptions({
      onSuccess: () => done(t('users.invited')),
      onError,
    }),
  );
  const revoke = useMutation(
    trpc.user.revokeInvitation.mutationOptions({ onSuccess: () => done(), onError }),
  );
  const deactivate = useMutation(
    trpc.user.deactivate.mutationOptions({ onSuccess: () => done(), onError }),
  );
  const reactivate = useMutation(
    trpc.user.reactivate.mutationOptions({
      onSuccess: (r) => done(r.needsInvitation ? t('users.needsInvitation') : t('users.done')),
      onError,
    }),
  );
  const unlock = useMutation(
    trpc.user.unlock.mutationOptions({ onSuccess: () => done(), onError }),
  );
  const reset = useMutation(
    trpc.user.resetPassword.mutationOptions({ onSuccess: () => done(), onError }),
  );

  const confirmBusy = deactivate.isPending || revoke.isPending || reset.isPending;

  return (
    <>
      <PageHeader
        title={t('users.title')}
        description={canManage ? t('users.description') : t('users.readOnly')}
        actions={
          canManage ? (
            <Button
              leftSection={<IconPlus aria-hidden size={18} />}
              onClick={() => setInviting(true)}
            >
              {t('users.invite')}
            </Button>
          ) : null
        }
      />
      <Stack gap="lg">
        <Paper withBorder radius="md" p="md">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <TextInput
              label={t('users.search')}
              leftSection={<IconSearch aria-hidden size={16} />}
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
            />
            <Select
              label={t('users.role')}
              placeholder={t('users.allRoles')}
              clearable
              data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              value={role}
              onChange={(value) => setRole(value as Role | null)}
            />
            <Select
              label={t('users.status')}
              placeholder={t('users.allStatuses')}
              clearable
              data={USER_STATUSES.map((s) => ({ value: s, label: t(`userStatus.${s}`) }))}
              value={status}
              onChange={(value) => setStatus(value as UserStatus | null)}
            />
            <Select
              label={t('users.subsidiary')}
              placeholder={t('users.allSubsidiaries')}
              clearable
              searchable
              data={subsidiaryOptions}
              value={subsidiaryId}
              onChange={setSubsidiaryId}
            />
          </SimpleGrid>
        </Paper>
        <Paper withBorder radius="md">
          {list.isPending ? (
            <TableSkeleton rows={6} />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : list.data.length === 0 ? (
            <EmptyState title={t('users.empty')} />
          ) : (
            <DataTable
              aria-label={t('users.title')}
              records={list.data}
              idAccessor="id"
              highlightOnHover
              verticalSpacing="sm"
              columns={[
                {
                  accessor: 'name',
                  title: t('users.name'),
                  render: (u) => (
                    <Stack gap={0}>
                      <Text size="sm" fw={500}>
                        {u.name}
                      </Text>
                      <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                        {u.email}
                      </Text>
                    </Stack>
                  ),
                },
                {
                  accessor: 'role',
                  title: t('users.role'),
                  visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
                  render: (u) => (
                    <Stack gap={0}>
                      <Text size="sm">{t(`roles.${u.role}`)}</Text>
                      {u.subsidiaryName ? (
                        <Text size="xs" c="dimmed">
                          {u.subsidiaryName}
                        </Text>
                      ) : null}
                    </Stack>
                  ),
                },
                {
                  accessor: 'status',
                  title: t('users.status'),
                  render: (u) => (
                    <Badge color={STATUS_COLOR[u.status]} variant="light">
                      {t(`userStatus.${u.status}`)}
                    </Badge>
                  ),
                },
                {
                  accessor: 'lastLoginAt',
                  title: t('users.lastLogin'),
                  noWrap: true,
                  visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
                  render: (u) =>
                    u.lastLoginAt ? (
                      <Tooltip label={formatDateTime(u.lastLoginAt)}>
                        <Text size="sm">{formatRelative(u.lastLoginAt)}</Text>
                      </Tooltip>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('users.never')}
                      </Text>
                    ),
                },
                {
                  accessor: 'totpEnabled',
                  title: t('users.totp'),
                  visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
                  render: (u) => (
                    <Badge color={u.totpEnabled ? 'teal' : 'gray'} variant="outline">
                      {u.totpEnabled ? t('users.totpOn') : t('users.totpOff')}
                    </Badge>
                  ),
                },
                {
                  accessor: 'actions',
                  title: <VisuallyHidden>{t('common.actions')}</VisuallyHidden>,
                  textAlign: 'right',
                  hidden: !canManage,
                  render: (u) => (
                    <Menu position="bottom-end" withinPortal>
                      <Menu.Target>
                        <ActionIcon
                          variant="subtle"
                          aria-label={t('users.actionsFor', { name: u.name })}
                        >
                          <IconDots aria-hidden size={18} />
                        </ActionIcon>
                      </Menu.Target>
                      <Menu.Dropdown>
                        {u.status !== 'deactivated' ? (
                          <Menu.Item
                            leftSection={<IconUserCog aria-hidden size={16} />}
                            onClick={() => setEditing(u)}
                          >
                            {t('users.changeAccess')}
                          </Menu.Item>
                        ) : null}
                        {u.status === 'invited' ? (
                          <>
                            <Menu.Item
                              leftSection={<IconMailForward aria-hidden size={16} />}
                              onClick={() => resend.mutate({ id: u.id })}
                            >
                              {t('users.resend')}
                            </Menu.Item>
                            <Menu.Item
                              color="red"
                              leftSection={<IconMailOff aria-hidden size={16} />}
                              onClick={() => setConfirm({ kind: 'revoke', user: u })}
                            >
                              {t('users.revoke')}
                            </Menu.Item>
                          </>
                        ) : null}
                        {u.status === 'locked' ? (
                          <Menu.Item
                            leftSection={<IconLockOpen aria-hidden size={16} />}
                            onClick={() => unlock.mutate({ id: u.id })}
                          >
                            {t('users.unlock')}
                          </Menu.Item>
                        ) : null}
                        {u.status === 'active' || u.status === 'locked' ? (
                          <Menu.Item
                            leftSection={<IconKey aria-hidden size={16} />}
                            onClick={() => setConfirm({ kind: 'reset', user: u })}
                          >
                            {t('users.resetPassword')}
                          </Menu.Item>
                        ) : null}
                        {u.status === 'deactivated' ? (
                          <Menu.Item
                            leftSection={<IconUserCheck aria-hidden size={16} />}
                            onClick={() => reactivate.mutate({ id: u.id })}
                          >
                            {t('users.reactivate')}
                          </Menu.Item>
                        ) : u.status !== 'invited' ? (
                          <Menu.Item
                            color="red"
                            leftSection={<IconUserOff aria-hidden size={16} />}
                            onClick={() => setConfirm({ kind: 'deactivate', user: u })}
                          >
                            {t('users.deactivate')}
                          </Menu.Item>
                        ) : null}
                      </Menu.Dropdown>
                    </Menu>
                  ),
                },
              ]}
            />
          )}
        </Paper>
        <TotpRolesCard canManage={canManage} />
      </Stack>
      {inviting ? (
        <InviteModal
          subsidiaries={subsidiaryOptions}
          onClose={() => setInviting(false)}
          onDone={() => {
            setInviting(false);
            void done(t('users.invited'));
          }}
        />
      ) : null}
      {editing ? (
        <AccessModal
          key={editing.id}
          user={editing}
          subsidiaries={subsidiaryOptions}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            void done();
          }}
        />
      ) : null}
      <ConfirmModal
        opened={confirm !== null}
        title={
          confirm
            ? t(
                confirm.kind === 'deactivate'
                  ? 'users.confirmDeactivate'
                  : confirm.kind === 'revoke'
                    ? 'users.confirmRevoke'
                    : 'users.confirmReset',
                { name: confirm.user.name },
              )
            : ''
        }
        confirmLabel={
          confirm?.kind === 'deactivate'
            ? t('users.deactivate')
            : confirm?.kind === 'revoke'
              ? t('users.revoke')
              : t('users.resetPassword')
        }
        danger={confirm?.kind !== 'reset'}
        loading={confirmBusy}
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          if (!confirm) return;
          const input = { id: confirm.user.id };
          if (confirm.kind === 'deactivate') deactivate.mutate(input);
          else if (confirm.kind === 'revoke') revoke.mutate(input);
          else reset.mutate(input);
        }}
      >
        <Text size="sm">
          {confirm?.kind === 'deactivate'
            ? t('users.confirmDeactivateBody')
            : confirm?.kind === 'revoke'
              ? t('users.confirmRevokeBody')
              : t('users.confirmResetBody')}
        </Text>
      </ConfirmModal>
    </>
  );
}
