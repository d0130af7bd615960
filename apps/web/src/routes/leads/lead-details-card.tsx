import { Anchor, SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useCan } from '../../lib/auth';
import { formatDateTime, formatPhone } from '../../lib/format';
import { useTranslation } from '../../lib/use-translation';
import type { LeadDetail } from './lead-detail-page';
import { PolicyVersionLink } from './policy-version-link';
import { SectionCard } from './section-card';

function Field({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div style={wide ? { gridColumn: '1 / -1' } : undefined}>
      <Text component="dt" size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text component="dd" size="sm" m={0} mt={2} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export function LeadDetailsCard({ lead }: { lead: LeadDetail['lead'] }) {
  const { t } = useTranslation();
  const canReadProjects = useCan('project:read');
  const none = (
    <Text span c="dimmed" size="sm">
      —
    </Text>
  );

  return (
    <SectionCard title={t('lead.details')}>
      <SimpleGrid component="dl" cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md" m={0}>
        <Field label={t('leads.email')}>
          {lead.email ? <Anchor href={`mailto:${lead.email}`}>{lead.email}</Anchor> : none}
        </Field>
        <Field label={t('leads.phone')}>
          {lead.phone ? (
            <Anchor href={`tel:${lead.phone}`}>{formatPhone(lead.phone)}</Anchor>
          ) : (
            none
          )}
        </Field>
        <Field label={t('leads.project')}>
          {canReadProjects ? (
            <Anchor component={Link} to={`/projects/${lead.projectId}`}>
              {lead.projectName}
            </Anchor>
          ) : (
            lead.projectName
          )}
        </Field>
        <Field label={t('leads.subsidiary')}>{lead.subsidiaryName}</Field>
        <Field label={t('leads.status')}>
          {t(`leadStatus.${lead.status}`)}
          <Text span c="dimmed" size="xs">
            {' · '}
            {t('lead.since', { date: formatDateTime(lead.statusChangedAt) })}
          </Text>
        </Field>
        <Field label={t('lead.assignee')}>{lead.assigneeName ?? t('lead.unassigned')}</Field>
        <Field label={t('lead.source')}>{t(`leadSource.${lead.source}`)}</Field>
        <Field label={t('lead.policyVersion')}>
          {lead.policyLabel ? <PolicyVersionLink label={lead.policyLabel} /> : none}
        </Field>
        <Field label={t('common.createdAt')}>{formatDateTime(lead.createdAt)}</Field>
        <Field label={t('lead.lastActivity')}>{formatDateTime(lead.lastActivityAt)}</Field>
        <Field label={t('lead.message')} wide>
          {lead.message ? (
            <Text span size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {lead.message}
            </Text>
          ) : (
            <Text span c="dimmed" size="sm">
              {t('lead.noMessage')}
            </Text>
          )}
        </Field>
      </SimpleGrid>
    </SectionCard>
  );
}
