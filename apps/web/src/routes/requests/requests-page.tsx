import {
  Anchor,
  Box,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { DSR_STATUSES, DSR_TYPES } from '@mg/shared';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { formatDay, formatPhone } from '../../lib/format';
import { parseEnum, useUrlFilters } from '../../lib/search-params';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useDebouncedParam } from '../../lib/use-debounced-param';
import { useTranslation } from '../../lib/use-translation';
import { DsrStatusBadge, DsrUrgencyBadge } from './dsr-badges';
import { RegisterRequestModal } from './register-modal';

type Row = RouterOutputs['dsr']['list']['items'][number];

/** Overdue rows are tinted red and due-soon rows orange, beside their badges. */
const ROW_TINT: Partial<Record<Row['urgency'], string>> = {
  overdue: 'var(--mantine-color-red-light)',
  dueSoon: 'var(--mantine-color-orange-light)',
};

function RequestCard({ row: r }: { row: Row }) {
  const { t } = useTranslation();
  return (
    <Box
      component="li"
      p="sm"
      style={{
        background: ROW_TINT[r.urgency],
        borderBottom: '1px solid var(--mantine-color-default-border)',
      }}
    >
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Anchor component={Link} to={`/requests/${r.id}`} fw={600}>
          #{r.id} {t(`requests.types.${r.type}`)}
        </Anchor>
        <DsrStatusBadge status={r.status} />
      </Group>
      <Group gap={6} mt={4}>
        <Text size="sm">
          {t('requests.due')}:{' '}
          <Text span fw={r.urgency === 'overdue' ? 700 : 500}>
            {formatDay(r.dueDate)}
          </Text>
        </Text>
        <DsrUrgencyBadge urgency={r.urgency} />
      </Group>
      <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
        {[r.subjectEmail, r.subjectPhone ? formatPhone(r.subjectPhone) : null]
          .filter(Boolean)
          .join(' · ')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('requests.received')} {formatDay(r.receivedDate)} · {t(`requests.channels.${r.channel}`)}
      </Text>
    </Box>
  );
}

/**
 * The register of data subject requests: open ones first by due date (so overdue and due
 * within 7 days lead, loudly), filters by status and type, search by e-mail or phone.
 */
export function RequestsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const [params, setFilters] = useUrlFilters();
  const status = parseEnum(params.get('status'), DSR_STATUSES);
  const type = parseEnum(params.get('type'), DSR_TYPES);
  const openOnly = params.get('open') === '1';
  const search = params.get('q') ?? '';
  const [searchBox, setSearchBox, flush] = useDebouncedParam(search, (q) => setFilters({ q }));
  const [registering, setRegistering] = useState(false);
  const list = useQuery({
    ...trpc.dsr.list.queryOptions({
      status,
      type,
      openOnly,
      search: search || undefined,
    }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title={t('requests.title')}
        description={t('requests.description')}
        actions={
          <Button
            leftSection={<IconPlus aria-hidden size={16} />}
            onClick={() => setRegistering(true)}
          >
            {t('requests.register')}
          </Button>
        }
      />
      <Stack gap="md">
        <Paper withBorder p="md" radius="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              flush();
            }}
          >
            <Group gap="sm" align="flex-end" wrap="wrap">
              <TextInput
                label={t('requests.search')}
                placeholder={t('requests.searchPlaceholder')}
                leftSection={<IconSearch aria-hidden size={16} />}
                value={searchBox}
                onChange={(e) => setSearchBox(e.currentTarget.value)}
                w={{ base: '100%', sm: 260 }}
              />
              <Select
                label={t('requests.statusLabel')}
                placeholder={t('requests.all')}
                clearable
                w={{ base: '100%', xs: 200 }}
                data={DSR_STATUSES.map((v) => ({ value: v, label: t(`requests.status.${v}`) }))}
                value={status ?? null}
                onChange={(v) => setFilters({ status: v })}
              />
              <Select
                label={t('requests.type')}
                placeholder={t('requests.all')}
                clearable
                w={{ base: '100%', xs: 220 }}
                data={DSR_TYPES.map((v) => ({ value: v, label: t(`requests.types.${v}`) }))}
                value={type ?? null}
                onChange={(v) => setFilters({ type: v })}
              />
              <Switch
                label={t('requests.openOnly')}
                checked={openOnly}
                onChange={(e) => setFilters({ open: e.currentTarget.checked ? '1' : null })}
                mb={8}
              />
            </Group>
          </form>
        </Paper>

        {list.isPending ? (
          <TableSkeleton rows={5} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Paper withBorder radius="md">
            <EmptyState title={t('requests.empty')} />
          </Paper>
        ) : (
          <Paper withBorder radius="md">
            {/* Narrow screens: one card per request, due date and status first. */}
            <Stack gap={0} hiddenFrom="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
              {list.data.items.map((r) => (
                <RequestCard key={r.id} row={r} />
              ))}
            </Stack>
            <Table.ScrollContainer minWidth={760} visibleFrom="sm">
              <Table verticalSpacing="sm" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('requests.request')}</Table.Th>
                    <Table.Th>{t('requests.subject')}</Table.Th>
                    <Table.Th>{t('requests.received')}</Table.Th>
                    <Table.Th>{t('requests.due')}</Table.Th>
                    <Table.Th>{t('requests.statusLabel')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.items.map((r) => (
                    <Table.Tr key={r.id} style={{ background: ROW_TINT[r.urgency] }}>
                      <Table.Td>
                        <Anchor component={Link} to={`/requests/${r.id}`} fw={600}>
                          #{r.id} {t(`requests.types.${r.type}`)}
                        </Anchor>
                        <Text size="xs" c="dimmed">
                          {t(`requests.channels.${r.channel}`)}
                        </Text>
                      </Table.Td>
                      <Table.Td style={{ overflowWrap: 'anywhere' }}>
                        {r.subjectEmail ? <Text size="sm">{r.subjectEmail}</Text> : null}
                        {r.subjectPhone ? (
                          <Text size="sm">{formatPhone(r.subjectPhone)}</Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{formatDay(r.receivedDate)}</Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Text size="sm" fw={r.urgency === 'overdue' ? 700 : undefined}>
                            {formatDay(r.dueDate)}
                          </Text>
                          <DsrUrgencyBadge urgency={r.urgency} />
                        </Group>
                        {r.extensionMonths ? (
                          <Text size="xs" c="dimmed">
                            {t('requests.extendedBy', { count: r.extensionMonths })}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <DsrStatusBadge status={r.status} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {list.data.total > list.data.items.length ? (
              <Text size="sm" c="dimmed" p="sm">
                {t('requests.more', { count: list.data.total - list.data.items.length })}
              </Text>
            ) : null}
          </Paper>
        )}
      </Stack>
      {registering ? <RegisterRequestModal onClose={() => setRegistering(false)} /> : null}
    </>
  );
}
