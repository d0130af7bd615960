import { Alert, Anchor, Badge, Group, Stack, Text } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../../components/page-header';
import { ErrorState, TableSkeleton } from '../../../components/query-states';
import { useCan } from '../../../lib/auth';
import { formatDateTime, formatPhone } from '../../../lib/format';
import { useTRPC } from '../../../lib/trpc';
import { useTranslation } from '../../../lib/use-translation';
import { SubjectSection } from './section';
import { SeenBy } from './seen-by';
import { SubjectActions } from './subject-actions';
import { SubjectLeadCard } from './subject-lead-card';
import type { SubjectView } from './types';

/**
 * The subject view of a data subject request (/requests/:id/subject): every lead of the
 * person at every subsidiary, what may be done now, what was done, and who has seen them.
 * Opening it is logged with the request as purpose (the API does that).
 */
export function SubjectPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const params = useParams();
  const requestId = Number(params.id);
  const valid = Number.isInteger(requestId) && requestId > 0;
  const view = useQuery({
    ...trpc.subject.view.queryOptions({ requestId }),
    enabled: valid,
  });
  const canSeeWho = useCan('dsr:seen_by');
  const title = t('subject.title', { id: valid ? requestId : '?' });
  const back = (
    <Anchor component={Link} to={`/requests/${valid ? requestId : ''}`} size="sm">
      <Group gap={4}>
        <IconArrowLeft aria-hidden size={14} />
        {t('subject.backToRequest')}
      </Group>
    </Anchor>
  );

  if (!valid || view.isError)
    return (
      <>
        <PageHeader title={title} above={back} />
        <ErrorState error={view.error} />
      </>
    );
  if (view.isPending)
    return (
      <>
        <PageHeader title={title} above={back} />
        <TableSkeleton rows={4} />
      </>
    );
  const data: SubjectView = view.data;
  const { request } = data;
  return (
    <>
      <PageHeader
        title={title}
        above={back}
        badges={
          <Group gap={4}>
            <Badge variant="light">{t(`subject.type.${request.type}`)}</Badge>
            <Badge variant="outline" color="gray">
              {t(`subject.status.${request.status}`)}
            </Badge>
          </Group>
        }
        description={t('subject.description', {
          addresses: [
            request.email ? `${t('subject.field.email')} ${request.email}` : null,
            request.phone ? `${t('subject.field.phone')} ${formatPhone(request.phone)}` : null,
          ]
            .filter((part) => part !== null)
            .join(' · '),
        })}
      />
      <Stack gap="md">
        {data.capped ? (
          <Alert color="orange" variant="light" role="status">
            {t('subject.capped', { count: data.leads.length })}
          </Alert>
        ) : null}
        <SubjectActions view={data} />

        <SubjectSection title={t('subject.leadsTitle', { count: data.leads.length })}>
          {data.leads.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('subject.noLeads')}
            </Text>
          ) : (
            <Stack gap="sm">
              {data.leads.map((lead) => (
                <SubjectLeadCard key={lead.id} lead={lead} />
              ))}
            </Stack>
          )}
        </SubjectSection>

        <SubjectSection title={t('subject.timeline')}>
          {data.actions.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('subject.noActions')}
            </Text>
          ) : (
            <Stack gap="xs" component="ol" m={0} p={0} style={{ listStyle: 'none' }}>
              {data.actions.map((a) => (
                <li key={a.id}>
                  <Group gap="xs" align="baseline">
                    <Text size="sm" fw={600}>
                      {t(`subject.actions.${a.action}`)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {formatDateTime(a.at)} · {a.actorName ?? t('common.system')}
                    </Text>
                  </Group>
                  <Text size="sm">
                    {t('subject.leadCount', { count: a.leadCount })}
                    {a.fieldsChanged.length > 0
                      ? ` · ${t('subject.fieldsChanged', {
                          fields: a.fieldsChanged
                            .map((f) => t(`subject.field.${f as 'name'}`))
                            .join(', '),
                        })}`
                      : ''}
                  </Text>
                  {a.kept.map((k) => (
                    <Text size="sm" key={k.leadId} c="red.8">
                      {t('subject.keptBecause', {
                        id: k.leadId,
                        reason: k.holdReason ?? t('lead.flags.legalHold'),
                      })}
                    </Text>
                  ))}
                </li>
              ))}
            </Stack>
          )}
        </SubjectSection>

        {canSeeWho ? <SeenBy requestId={request.id} /> : null}
      </Stack>
    </>
  );
}
