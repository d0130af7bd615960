import {
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { accountNameInput, accountPasswordInput, totpDisableInput } from '@mg/shared';
import { IconDeviceDesktop, IconLogout, IconShieldCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { useAuth, useCan } from '../../lib/auth';
import { applyApiError, notifyApiError, zodResolver } from '../../lib/form-errors';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { LanguageSwitcher } from '../layout/language-switcher';
import { PasswordRules } from './password-rules';
import { TotpEnrol } from './totp-enrol';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p={{ base: 'md', sm: 'lg' }}>
      <Title order={2} fz="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

export function AccountPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const account = useQuery(trpc.account.get.queryOptions());
  const canWorkLeads = useCan('lead:update');

  return (
    <>
      <PageHeader title={t('account.title')} description={t('account.description')} />
      {account.isPending ? (
        <TableSkeleton rows={4} />
      ) : account.isError ? (
        <ErrorState error={account.error} onRetry={() => void account.refetch()} />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Stack gap="lg">
            <ProfileSection
              name={account.data.name}
              email={account.data.email}
              role={t(`roles.${account.data.role}`)}
              subsidiary={account.data.subsidiaryName}
            />
            <PasswordSection />
          </Stack>
          <Stack gap="lg">
            <TotpSection
              enabled={account.data.totpEnabled}
              required={account.data.totpRequired}
              codesLeft={account.data.recoveryCodesLeft}
            />
            {/* Only roles that work leads can have one assigned to them. */}
            {canWorkLeads ? (
              <NotificationsSection notifyOnAssign={account.data.notifyOnAssign} />
            ) : null}
            <SessionsSection />
          </Stack>
        </SimpleGrid>
      )}
    </>
  );
}

function ProfileSection(props: {
  name: string;
  email: string;
  role: string;
  subsidiary: string | null;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { refetch } = useAuth();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { name: props.name },
    validate: zodResolver(accountNameInput),
  });
  const save = useMutation(
    trpc.account.updateName.mutationOptions({
      onSuccess: async (_result, input) => {
        notifications.show({
          color: 'teal',
          message: t('account.nameSaved', { name: input.name.trim() }),
        });
        await queryClient.invalidateQueries(trpc.account.get.pathFilter());
        refetch();
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  return (
    <Section title={t('account.profile')}>
      <form noValidate onSubmit={form.onSubmit((values) => save.mutate(values))}>
        <Stack>
          <Group align="flex-end" wrap="wrap" gap="sm">
            <TextInput
              label={t('account.name')}
              required
              style={{ flex: '1 1 14rem' }}
              key={form.key('name')}
              {...form.getInputProps('name')}
            />
            <Button type="submit" variant="light" loading={save.isPending}>
              {t('common.save')}
            </Button>
          </Group>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
            <div>
              <Text size="xs" c="dimmed">
                {t('account.email')}
              </Text>
              <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                {props.email}
              </Text>
            </div>
            <div>
              <Text size="xs" c="dimmed">
                {t('account.role')}
              </Text>
              <Text size="sm">
                {props.role}
                {props.subsidiary ? ` · ${props.subsidiary}` : ''}
              </Text>
            </div>
          </SimpleGrid>
          <Group gap="xs">
            <Text size="sm">{t('account.language')}</Text>
            <LanguageSwitcher />
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function PasswordSection() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { currentPassword: '', newPassword: '' },
    validate: zodResolver(accountPasswordInput),
  });
  const change = useMutation(
    trpc.account.changePassword.mutationOptions({
      onSuccess: async () => {
        form.reset();
        notifications.show({ color: 'teal', message: t('account.passwordChanged') });
        await queryClient.invalidateQueries(trpc.auth.sessions.pathFilter());
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  return (
    <Section title={t('account.passwordTitle')}>
      <form noValidate onSubmit={form.onSubmit((values) => change.mutate(values))}>
        <Stack>
          <PasswordInput
            label={t('account.currentPassword')}
            autoComplete="current-password"
            required
            key={form.key('currentPassword')}
            {...form.getInputProps('currentPassword')}
          />
          <PasswordInput
            label={t('account.newPassword')}
            autoComplete="new-password"
            required
            description={<PasswordRules />}
            key={form.key('newPassword')}
            {...form.getInputProps('newPassword')}
          />
          <Group>
            <Button type="submit" loading={change.isPending}>
              {t('account.passwordTitle')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function TotpSection(props: { enabled: boolean; required: boolean; codesLeft: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [disabling, setDisabling] = useState(false);
  const refresh = () => queryClient.invalidateQueries(trpc.account.get.pathFilter());
  return (
    <Section title={t('account.totpTitle')}>
      <Stack>
        <Group gap="xs">
          <IconShieldCheck aria-hidden size={20} />
          <Badge color={props.enabled ? 'teal' : 'gray'} variant="light">
            {props.enabled ? t('users.totpOn') : t('users.totpOff')}
          </Badge>
        </Group>
        {props.enabled ? (
          <>
            <Text size="sm">{t('account.totpOn', { count: props.codesLeft })}</Text>
            <Group>
              <Button variant="light" color="red" onClick={() => setDisabling(true)}>
                {t('account.totpDisable')}
              </Button>
            </Group>
          </>
        ) : (
          <>
            <Text size="sm">
              {props.required ? t('account.totpRequired') : t('account.totpOff')}
            </Text>
            <TotpEnrol onDone={() => void refresh()} />
          </>
        )}
      </Stack>
      {disabling ? (
        <TotpDisableModal
          onClose={() => setDisabling(false)}
          onDone={() => {
            setDisabling(false);
            void refresh();
          }}
        />
      ) : null}
    </Section>
  );
}

function TotpDisableModal({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { password: '', code: '' },
    validate: zodResolver(totpDisableInput),
  });
  const disable = useMutation(
    trpc.account.totpDisable.mutationOptions({
      onSuccess: () => {
        notifications.show({ color: 'teal', message: t('account.totpDisabled') });
        onDone();
      },
      onError: (error) => applyApiError(form, error),
    }),
  );
  return (
    <Modal opened onClose={onClose} title={t('account.totpDisable')} centered>
      <form noValidate onSubmit={form.onSubmit((values) => disable.mutate(values))}>
        <Stack>
          <Text size="sm">{t('account.totpDisableBody')}</Text>
          <PasswordInput
            label={t('account.currentPassword')}
            autoComplete="current-password"
            required
            data-autofocus
            key={form.key('password')}
            {...form.getInputProps('password')}
          />
          <TextInput
            label={t('auth.code')}
            autoComplete="one-time-code"
            required
            key={form.key('code')}
            {...form.getInputProps('code')}
          />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={disable.isPending}>
              {t('account.totpDisable')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function NotificationsSection({ notifyOnAssign }: { notifyOnAssign: boolean }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const set = useMutation(
    trpc.account.setNotifications.mutationOptions({
      onSuccess: async (_result, input) => {
        notifications.show({
          color: 'teal',
          message: t(
            input.notifyOnAssign ? 'account.notifyOnAssignOn' : 'account.notifyOnAssignOff',
          ),
        });
        await queryClient.invalidateQueries(trpc.account.get.pathFilter());
      },
      onError: notifyApiError,
    }),
  );
  return (
    <Section title={t('account.notificationsTitle')}>
      <Switch
        label={t('account.notifyOnAssign')}
        description={t('account.notifyHint')}
        checked={set.isPending ? (set.variables?.notifyOnAssign ?? notifyOnAssign) : notifyOnAssign}
        disabled={set.isPending}
        onChange={(event) => set.mutate({ notifyOnAssign: event.currentTarget.checked })}
      />
    </Section>
  );
}

function SessionsSection() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const others = useMutation(
    trpc.account.signOutOthers.mutationOptions({
      onSuccess: async ({ endedSessions }) => {
        notifications.show({
          color: 'teal',
          message: t('account.signedOutOthers', { count: endedSessions }),
        });
        await queryClient.invalidateQueries(trpc.auth.sessions.pathFilter());
      },
      onError: notifyApiError,
    }),
  );
  return (
    <Section title={t('account.sessionsTitle')}>
      <Stack>
        <Text size="sm">{t('account.sessionsBody')}</Text>
        <Group gap="sm">
          <Button
            component={Link}
            to="/sessions"
            variant="light"
            leftSection={<IconDeviceDesktop aria-hidden size={16} />}
          >
            {t('account.showSessions')}
          </Button>
          <Button
            variant="light"
            color="red"
            leftSection={<IconLogout aria-hidden size={16} />}
            loading={others.isPending}
            onClick={() => others.mutate()}
          >
            {t('account.signOutOthers')}
          </Button>
        </Group>
      </Stack>
    </Section>
  );
}
