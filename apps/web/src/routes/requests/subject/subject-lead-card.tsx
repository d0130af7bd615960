import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatDateTime, formatPhone } from '../../../lib/format';
import { useTranslation } from '../../../lib/use-translation';
import { ConsentBadges, LeadFlagBadges, LeadStatusBadge } from '../../leads/lead-badges';
import type { SubjectLead } from './types';

function Field({ label, value }: { label: string; value: string | null }) {
  const { t } = useTranslation();
  return (
    <Stack gap={0} style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
        {value ?? t('subject.empty')}
      </Text>
    </Stack>
  );
}

function Part({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Stack gap={4}>
      <Title order={4} fz="sm">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

/** One lead of the person: where it is, what it holds, and its history. */
export function SubjectLeadCard({ lead }: { lead: SubjectLead }) {
  const { t } = useTranslation();
  const anonymised = lead.anonymisedAt !== null;
  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      component="article"
      aria-label={t('subject.leadLabel', { id: lead.id })}
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Group gap="xs">
            <Text fw={600} component={Link} to={`/leads/${lead.id}`} td="underline">
              #{lead.id}
            </Text>
            <Text size="sm">
              {lead.projectName} · <strong>{lead.subsidiaryName}</strong>
            </Text>
          </Group>
          <Group gap={4}>
            <LeadStatusBadge status={lead.status} />
            <LeadFlagBadges
              restricted={lead.restricted}
              legalHold={lead.legalHold}
              anonymisedAt={lead.anonymisedAt}
            />
          </Group>
        </Group>
        {lead.legalHold && lead.legalHoldReason ? (
          <Text size="sm" c="red.8">
            {t('subject.holdReason', { reason: lead.legalHoldReason })}
          </Text>
        ) : null}
        {lead.restricted && lead.restrictedReason ? (
          <Text size="sm" c="orange.8">
            {t('subject.restrictedReason', { reason: lead.restrictedReason })}
          </Text>
        ) : null}
        {anonymised ? null : (
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm">
            <Field label={t('subject.field.name')} value={lead.name} />
            <Field label={t('subject.field.email')} value={lead.email} />
            <Field
              label={t('subject.field.phone')}
              value={lead.phone ? formatPhone(lead.phone) : null}
            />
            <Field label={t('subject.field.message')} value={lead.message} />
          </SimpleGrid>
        )}
        <Group gap="xs">
          <Text size="xs" c="dimmed">
            {t('subject.created', { at: formatDateTime(lead.createdAt) })}
            {lead.policyVersion ? ` · ${t('subject.policy', { version: lead.policyVersion })}` : ''}
          </Text>
          <ConsentBadges email={lead.consentEmail} sms={lead.consentSms} />
        </Group>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <Part title={t('subject.consentHistory')}>
            {lead.consentHistory.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('subject.none')}
              </Text>
            ) : (
              lead.consentHistory.map((e) => (
                <Text size="sm" key={e.id}>
                  {formatDateTime(e.at)}: {t(`consent.purpose.${e.purpose}`)}{' '}
                  <Badge size="xs" variant="light" color={e.granted ? 'teal' : 'gray'}>
                    {t(e.granted ? 'consent.eventGranted' : 'consent.eventWithdrawn')}
                  </Badge>{' '}
                  ({t(`consent.source.${e.source}`)}
                  {e.policyVersion ? `, ${e.policyVersion}` : ''}
                  {e.actorName ? `, ${e.actorName}` : ''})
                </Text>
              ))
            )}
          </Part>
          <Part title={t('subject.disclosures')}>
            {lead.disclosures.map((d) => (
              <Text size="sm" key={d.id}>
                {formatDateTime(d.at)}: {d.subsidiaryName} ({t(`disclosureKind.${d.kind}`)})
              </Text>
            ))}
            {lead.objections.map((o) => (
              <Text size="sm" key={`o-${o.id}`}>
                {formatDateTime(o.at)}:{' '}
                {t('subject.objection', { kind: t(`subject.objectKind.${o.kind}`) })}
              </Text>
            ))}
          </Part>
          <Part title={t('subject.notes')}>
            {lead.notes.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('subject.none')}
              </Text>
            ) : (
              lead.notes.map((n) => (
                <Text size="sm" key={n.id} style={{ whiteSpace: 'pre-wrap' }}>
                  {formatDateTime(n.at)}
                  {n.actorName ? ` · ${n.actorName}` : ''}: {n.body ?? t('subject.removed')}
                </Text>
              ))
            )}
          </Part>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
