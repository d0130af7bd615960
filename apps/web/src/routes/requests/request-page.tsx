import { Anchor, Button, Grid, Group, Stack, Table, Text, Timeline } from '@mantine/core';
import { IconArrowLeft, IconUserSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { isNotFoundError } from '../../lib/api-error';
import { formatDateTime, formatDay, formatPhone } from '../../lib/format';
import { parseId } from '../../lib/search-params';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { NotFoundPage } from '../layout/not-found-page';
import { SectionCard } from '../leads/section-card';
import { DsrStatusBadge, DsrUrgencyBadge } from './dsr-badges';
import { RequestActions } from './request-actions';

type Request = RouterOutputs['dsr']['byId'];
type Event = Request['events'][number];

export function RequestPage() {
  const id = parseId(useParams().id);
  if (id === undefined) return <NotFoundPage />;
  return <RequestDetail id={id} key={id} />;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w="40%" fw={600} style={{ verticalAlign: 'top', overflowWrap: 'anywhere' }}>
        {label}
      </Table.Th>
      <Table.Td style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-line' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

function RequestDetail({ id }: { id: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const query = useQuery(trpc.dsr.byId.queryOptions({ id }));
  const back = (
    <Anchor component={Link} to="/requests" size="sm">
      <Group gap={4}>
        <IconArrowLeft aria-hidden size={14} />
        {t('requests.back')}
      </Group>
    </Anchor>
  );
  if (query.isPending) return <TableSkeleton rows={6} />;
  if (query.isError) {
    if (isNotFoundError(query.error)) return <NotFoundPage />;
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  const r = query.data;
  return (
    <>
      <PageHeader
        above={back}
        title={t('requests.detailTitle', { id: r.id, type: t(`requests.types.${r.type}`) })}
        badges={
          <>
            <DsrStatusBadge status={r.status} />
            <DsrUrgencyBadge urgency={r.urgency} />
          </>
        }
        actions={
          <Button
            component={Link}
            to={`/requests/${r.id}/subject`}
            leftSection={<IconUserSearch aria-hidden size={16} />}
          >
            {t('requests.openSubject')}
          </Button>
        }
      />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            <RequestActions request={r} />
            <SectionCard title={t('requests.details')}>
              <Table variant="vertical" layout="fixed" withRowBorders>
                <Table.Tbody>
                  <Row label={t('requests.email')}>{r.subjectEmail ?? '—'}</Row>
                  <Row label={t('requests.phone')}>
                    {r.subjectPhone ? formatPhone(r.subjectPhone) : '—'}
                  </Row>
                  <Row label={t('requests.channel')}>{t(`requests.channels.${r.channel}`)}</Row>
                  <Row label={t('requests.receivedDate')}>{formatDay(r.receivedDate)}</Row>
                  <Row label={t('requests.due')}>
                    <Group gap={6}>
                      <Text size="sm" fw={r.urgency === 'overdue' ? 700 : undefined}>
                        {formatDay(r.dueDate)}
                      </Text>
                      <DsrUrgencyBadge urgency={r.urgency} />
                    </Group>
                  </Row>
                  <Row label={t('requests.extension')}>
                    {r.extensionMonths
                      ? t('requests.extensionText', {
                          count: r.extensionMonths,
                          by: r.extendedByName ?? '',
                          at: formatDateTime(r.extendedAt),
                          reason: r.extendedReason ?? '',
                        })
                      : t('requests.notExtended')}
                  </Row>
                  <Row label={t('requests.verification')}>
                    {r.verificationMethod
                      ? `${t(`requests.verificationMethod.${r.verificationMethod}`)}${
                          r.verificationNote ? `: ${r.verificationNote}` : ''
                        }`
                      : t('requests.notVerified')}
                  </Row>
                  {r.lastLink ? (
                    <Row label={t('requests.lastLink')}>
                      {r.lastLink.usedAt
                        ? t('requests.linkUsed', { at: formatDateTime(r.lastLink.usedAt) })
                        : t('requests.linkOpen', {
                            at: formatDateTime(r.lastLink.createdAt),
                            until: formatDateTime(r.lastLink.expiresAt),
                          })}
                    </Row>
                  ) : null}
                  {r.outcome ? <Row label={t('requests.outcome')}>{r.outcome}</Row> : null}
                  <Row label={t('requests.message')}>{r.message ?? '—'}</Row>
                  <Row label={t('requests.registeredBy')}>
                    {r.createdByName ?? t('requests.byPerson')}
                  </Row>
                </Table.Tbody>
              </Table>
            </SectionCard>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <SectionCard title={t('requests.timeline')}>
            <Timeline bulletSize={14} lineWidth={2} active={r.events.length - 1}>
              {r.events.map((e) => (
                <Timeline.Item key={e.id} title={<EventTitle event={e} />}>
                  <Text size="xs" c="dimmed">
                    <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at)}</time> ·{' '}
                    {e.byName ?? t('requests.byPerson')}
                  </Text>
                  {e.note ? (
                    <Text
                      size="sm"
                      mt={4}
                      style={{ whiteSpace: 'pre-line', overflowWrap: 'anywhere' }}
                    >
                      {e.note}
                    </Text>
                  ) : null}
                </Timeline.Item>
              ))}
            </Timeline>
          </SectionCard>
        </Grid.Col>
      </Grid>
    </>
  );
}

function EventTitle({ event }: { event: Event }) {
  const { t } = useTranslation();
  if (event.kind === 'status' && event.toStatus)
    return t('requests.event.status', { to: t(`requests.status.${event.toStatus}`) });
  return t(`requests.event.${event.kind}`);
}
