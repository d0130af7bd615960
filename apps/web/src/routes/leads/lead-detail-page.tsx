import { Alert, Anchor, Grid, Group, Stack, Text } from '@mantine/core';
import { IconArrowLeft, IconLock, IconScale, IconUserOff } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { ErrorState, TableSkeleton } from '../../components/query-states';
import { isNotFoundError } from '../../lib/api-error';
import { useCan } from '../../lib/auth';
import { formatDate, formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/page-title';
import { parseId } from '../../lib/search-params';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { LeadActivity } from './lead-activity';
import { LeadFlagBadges, LeadStatusBadge } from './lead-badges';
import { LeadConsent } from './lead-consent';
import { LeadDetailsCard } from './lead-details-card';
import { LeadDisclosures } from './lead-disclosures';
import { LeadForwarding } from './lead-forwarding';
import { LeadPrevNext } from './lead-prev-next';
import { LeadPrivacyCard } from './lead-privacy-card';
import { LeadWorkCard } from './lead-work-card';
import { RelatedLeads } from './related-leads';

export type LeadDetail = RouterOutputs['lead']['byId'];

function BackToLeads() {
  const { t } = useTranslation();
  return (
    <Anchor component={Link} to="/leads" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft aria-hidden size={16} />
        {t('lead.back')}
      </Group>
    </Anchor>
  );
}

/** Another subsidiary's lead answers exactly like a missing one, so ids can't be probed. */
function LeadNotFound() {
  const { t } = useTranslation();
  return (
    <Stack align="flex-start" py="md">
      <PageHeader title={t('lead.notFoundTitle')} description={t('lead.notFoundBody')} />
      <BackToLeads />
    </Stack>
  );
}

export function LeadDetailPage() {
  const id = parseId(useParams().id);
  if (id === undefined) return <LeadNotFound />;
  return <LeadDetailView id={id} key={id} />;
}

function LeadDetailView({ id }: { id: number }) {
  const { t } = useTranslation();
  // The number, not the name: tab titles end up in history, bookmarks and shared screens.
  const documentTitle = t('palette.leadTitle', { id });
  usePageTitle(documentTitle);
  const trpc = useTRPC();
  // A refusal in the cache (the server's read for this page, lib/prefetch.ts) is shown as it
  // is: asked again on mount, it would be one more denied read in the access log.
  const query = useQuery({ ...trpc.lead.byId.queryOptions({ id }), retryOnMount: false });
  // The forwarding log needs only the id from the URL: started together with the lead (one
  // batched request) instead of after the lead has rendered. LeadForwarding reads the result.
  // Not for a lead already refused: that read would be refused too, and logged.
  useQuery({ ...trpc.consent.forwarding.queryOptions({ leadId: id }), enabled: !query.isError });
  const canUpdate = useCan('lead:update');
  const canHold = useCan('lead:hold');
  const canRestrict = useCan('lead:restrict');
  const canGuard = canHold || canRestrict;
  // Who set a hold or restriction, and when: read only for a lead that has one.
  const flagged = Boolean(query.data && (query.data.lead.legalHold || query.data.lead.restricted));
  const privacy = useQuery({ ...trpc.lead.privacy.queryOptions({ id }), enabled: flagged });

  if (query.isPending) {
    return (
      <Stack>
        <BackToLeads />
        <TableSkeleton rows={6} />
      </Stack>
    );
  }
  if (query.isError) {
    if (isNotFoundError(query.error)) return <LeadNotFound />;
    return (
      <Stack align="flex-start">
        <BackToLeads />
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </Stack>
    );
  }

  const { lead, consent, activity, disclosures, related } = query.data;
  const anonymised = lead.anonymisedAt !== null;
  return (
    <>
      <PageHeader
        above={
          <Group justify="space-between" gap="xs">
            <BackToLeads />
            <LeadPrevNext id={lead.id} />
          </Group>
        }
        documentTitle={documentTitle}
        title={anonymised ? t('lead.anonymisedName', { id: lead.id }) : (lead.name ?? '')}
        description={t('lead.subtitle', { id: lead.id, project: lead.projectName })}
        badges={
          <>
            <LeadStatusBadge status={lead.status} />
            <LeadFlagBadges
              restricted={lead.restricted}
              legalHold={lead.legalHold}
              anonymisedAt={lead.anonymisedAt}
            />
          </>
        }
      />
      <Stack gap="md">
        {anonymised ? (
          <Alert color="gray" variant="light" icon={<IconUserOff aria-hidden />}>
            {t('lead.anonymisedNotice', { date: formatDate(lead.anonymisedAt) })}
          </Alert>
        ) : null}
        {lead.restricted ? (
          <Alert
            color="orange"
            variant="light"
            icon={<IconLock aria-hidden />}
            title={t('lead.flags.restricted')}
          >
            {t('lead.restrictedNotice')}
            {privacy.data?.restrictedAt ? (
              <Text size="sm" mt={4}>
                {t('lead.privacy.restrictedBy', {
                  name: privacy.data.restrictedByName ?? '–',
                  date: formatDateTime(privacy.data.restrictedAt),
                })}
              </Text>
            ) : null}
          </Alert>
        ) : null}
        {lead.legalHold ? (
          <Alert
            color="red"
            variant="light"
            icon={<IconScale aria-hidden />}
            title={t('lead.flags.legalHold')}
          >
            {lead.legalHoldReason
              ? t('lead.legalHoldReason', { reason: lead.legalHoldReason })
              : t('lead.legalHoldNotice')}
            {privacy.data?.legalHoldAt ? (
              <Text size="sm" mt={4}>
                {t('lead.privacy.holdBy', {
                  name: privacy.data.legalHoldByName ?? '–',
                  date: formatDateTime(privacy.data.legalHoldAt),
                })}
              </Text>
            ) : null}
          </Alert>
        ) : null}
        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Stack gap="md">
              {canUpdate ? <LeadWorkCard lead={lead} /> : null}
              <LeadDetailsCard lead={lead} />
              <LeadActivity activity={activity} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Stack gap="md">
              {canGuard ? <LeadPrivacyCard leadId={lead.id} /> : null}
              <LeadConsent lead={lead} events={consent} />
              <LeadDisclosures disclosures={disclosures} />
              <LeadForwarding leadId={lead.id} />
              <RelatedLeads related={related} />
            </Stack>
          </Grid.Col>
        </Grid>
      </Stack>
    </>
  );
}
