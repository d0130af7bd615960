import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { RETENTION_MAX_MONTHS, RETENTION_MIN_MONTHS } from '@mg/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageHeader } from '../../components/page-header';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { notifyApiError } from '../../lib/form-errors';
import { formatDateTime, formatDay, formatNumber } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';

type RunResult = RouterOutputs['retention']['run'];
type RunRow = RouterOutputs['retention']['runs'][number];

/** While a run works through its batches in the background, the history is asked again. */
const RUNNING_POLL_MS = 2000;

const STATUS_COLOR: Record<RunRow['status'], string> = {
  running: 'yellow',
  finished: 'gray',
  interrupted: 'orange',
};

/** A run's status beside its start: only what needs saying (a finished run says nothing). */
function RunStatus({ status }: { status: RunRow['status'] }) {
  const { t } = useTranslation();
  if (status === 'finished') return null;
  return (
    <Stack gap={2} align="flex-start">
      <Badge variant="light" color={STATUS_COLOR[status]}>
        {t(`retention.status.${status}`)}
      </Badge>
      {status === 'interrupted' ? (
        <Text size="xs" c="dimmed" maw={240}>
          {t('retention.interruptedHelp')}
        </Text>
      ) : null}
    </Stack>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-label={title}>
      <Stack gap="sm">
        <Title order={2} fz="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

/** The retention period, the leads about to reach it, runs now (dry or real), the history. */
export function RetentionPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.retention.settings.queryOptions());
  const upcoming = useQuery(trpc.retention.upcoming.queryOptions());
  const runs = useQuery({
    ...trpc.retention.runs.queryOptions({}),
    refetchInterval: (query) =>
      query.state.data?.some((r) => r.status === 'running') ? RUNNING_POLL_MS : false,
  });
  const running = runs.data?.some((r) => r.status === 'running') ?? false;
  const [months, setMonths] = useState<number | string>('');
  const [confirming, setConfirming] = useState(false);
  const [last, setLast] = useState<RunResult | null>(null);
  useEffect(() => {
    if (settings.data) setMonths(settings.data.months);
  }, [settings.data]);

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.retention.pathFilter()),
      queryClient.invalidateQueries(trpc.lead.pathFilter()),
    ]);
  const save = useMutation(
    trpc.retention.setMonths.mutationOptions({
      onSuccess: async (_result, input) => {
        await refresh();
        // Say what changed, not only that something was saved.
        notifications.show({
          color: 'green',
          message: t('retention.monthsSaved', { count: input.months }),
        });
      },
      onError: notifyApiError,
    }),
  );
  const run = useMutation(
    trpc.retention.run.mutationOptions({
      onSuccess: async (result) => {
        setConfirming(false);
        setLast(result);
        await refresh();
      },
      onError: notifyApiError,
    }),
  );
  // A background run that has just finished: the leads and the upcoming list have changed.
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running) void refresh();
    wasRunning.current = running;
  });
  const monthsValid =
    typeof months === 'number' &&
    Number.isInteger(months) &&
    months >= RETENTION_MIN_MONTHS &&
    months <= RETENTION_MAX_MONTHS;

  return (
    <>
      <PageHeader title={t('retention.title')} description={t('retention.description')} />
      <Stack gap="md">
        <Section title={t('retention.period')}>
          {settings.isError ? <ErrorState error={settings.error} /> : null}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (monthsValid) save.mutate({ months });
            }}
          >
            <Group align="flex-end" gap="sm">
              <NumberInput
                label={t('retention.months')}
                description={t('retention.monthsHelp')}
                min={RETENTION_MIN_MONTHS}
                max={RETENTION_MAX_MONTHS}
                allowDecimal={false}
                value={months}
                onChange={setMonths}
                error={months !== '' && !monthsValid ? t('validation.invalid') : undefined}
                w={220}
              />
              <Button type="submit" loading={save.isPending} disabled={!monthsValid}>
                {t('common.save')}
              </Button>
            </Group>
          </form>
        </Section>

        <Section title={t('retention.runNow')}>
          <Text size="sm" c="dimmed">
            {t('retention.runHelp')}
          </Text>
          <Group gap="sm">
            <Button
              variant="default"
              loading={run.isPending && run.variables?.dryRun === true}
              disabled={running}
              onClick={() => run.mutate({ dryRun: true })}
            >
              {t('retention.dryRun')}
            </Button>
            <Button color="red" disabled={running} onClick={() => setConfirming(true)}>
              {t('retention.run')}
            </Button>
          </Group>
          {running ? (
            <Text size="sm" c="dimmed" role="status">
              {t('retention.runningHint')}
            </Text>
          ) : null}
          {last && !last.finished ? (
            <Alert color="blue" variant="light" role="status">
              {t('retention.started')}
            </Alert>
          ) : null}
          {last?.finished ? (
            <Alert color={last.dryRun ? 'blue' : 'green'} variant="light" role="status">
              {t(last.dryRun ? 'retention.dryResult' : 'retention.realResult', {
                anonymised: last.anonymised,
                held: last.skippedLegalHold,
                sessions: last.sessionsDeleted,
                mails: last.outboxDeleted,
              })}
            </Alert>
          ) : null}
        </Section>

        <Section title={t('retention.upcoming')}>
          {upcoming.isPending ? <TableSkeleton rows={3} /> : null}
          {upcoming.isError ? <ErrorState error={upcoming.error} /> : null}
          {upcoming.data && upcoming.data.items.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('retention.noneUpcoming')}
            </Text>
          ) : null}
          {upcoming.data && upcoming.data.items.length > 0 ? (
            <Table.ScrollContainer minWidth={520}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('retention.lead')}</Table.Th>
                    <Table.Th>{t('retention.project')}</Table.Th>
                    <Table.Th>{t('retention.lastActivity')}</Table.Th>
                    <Table.Th>{t('retention.dueDate')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {upcoming.data.items.map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/leads/${l.id}`}>
                          #{l.id}
                        </Anchor>{' '}
                        {l.legalHold ? (
                          <Badge color="red" variant="light" size="sm">
                            {t('lead.flags.legalHold')}
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        {l.projectName} · {l.subsidiaryName}
                      </Table.Td>
                      <Table.Td>{formatDateTime(l.lastActivityAt)}</Table.Td>
                      <Table.Td>{formatDay(l.dueDate)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : null}
          {upcoming.data && upcoming.data.total > upcoming.data.items.length ? (
            <Text size="sm" c="dimmed">
              {t('retention.more', { count: upcoming.data.total - upcoming.data.items.length })}
            </Text>
          ) : null}
        </Section>

        <Section title={t('retention.history')}>
          {runs.isPending ? <TableSkeleton rows={3} /> : null}
          {runs.isError ? <ErrorState error={runs.error} /> : null}
          {runs.data && runs.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('retention.noRuns')}
            </Text>
          ) : null}
          {runs.data && runs.data.length > 0 ? (
            <Table.ScrollContainer minWidth={640}>
              <Table striped aria-label={t('retention.history')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('retention.when')}</Table.Th>
                    <Table.Th>{t('retention.kind')}</Table.Th>
                    <Table.Th>{t('retention.by')}</Table.Th>
                    <Table.Th>{t('retention.anonymised')}</Table.Th>
                    <Table.Th>{t('retention.held')}</Table.Th>
                    <Table.Th>{t('retention.cleanup')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {runs.data.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <Stack gap={4} align="flex-start">
                          {formatDateTime(r.startedAt)}
                          <RunStatus status={r.status} />
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={r.dryRun ? 'blue' : 'red'}>
                          {t(r.dryRun ? 'retention.kindDry' : 'retention.kindReal')}
                        </Badge>{' '}
                        <Text span size="xs" c="dimmed">
                          {t(`retention.trigger.${r.trigger}`)} · {r.periodMonths}{' '}
                          {t('retention.monthsShort')}
                        </Text>
                      </Table.Td>
                      <Table.Td>{r.actorName ?? t('retention.system')}</Table.Td>
                      <Table.Td>{formatNumber(r.anonymised)}</Table.Td>
                      <Table.Td>{formatNumber(r.skippedLegalHold)}</Table.Td>
                      <Table.Td>
                        {t('retention.cleanupCounts', {
                          sessions: r.sessionsDeleted,
                          mails: r.outboxDeleted,
                        })}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          ) : null}
        </Section>
      </Stack>
      <ConfirmModal
        opened={confirming}
        title={t('retention.confirmTitle')}
        confirmLabel={t('retention.run')}
        danger
        loading={run.isPending}
        onConfirm={() => run.mutate({ dryRun: false })}
        onClose={() => setConfirming(false)}
      >
        <Text size="sm">{t('retention.confirmBody', { months: settings.data?.months ?? '' })}</Text>
      </ConfirmModal>
    </>
  );
}
