import { Box, type MantineBreakpoint, SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { auditPurposeLabel, translateOpen } from '../../lib/translate';
import type { RouterOutputs } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { auditDetailRows } from './audit-labels';
import { AuditTargets } from './audit-targets';

export type AuditEntry = RouterOutputs['audit']['list']['items'][number];

function Field({
  label,
  children,
  hiddenFrom,
}: {
  label: string;
  children: ReactNode;
  /** Set for columns the table already shows from that breakpoint up. */
  hiddenFrom?: MantineBreakpoint;
}) {
  return (
    <Box hiddenFrom={hiddenFrom}>
      <Text size="xs" c="dimmed" fw={600}>
        {label}
      </Text>
      <Text component="div" size="sm" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Box>
  );
}

/** The expanded row: what the table has no room for, and on phones the hidden columns. */
export function AuditEntryDetails({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} p="md" spacing="sm" bg="gray.0">
      <Field label={t('audit.actor')} hiddenFrom="xs">
        {entry.actorName ?? t('audit.anonymousActor')}
        {entry.actorRole ? ` (${translateOpen(t, 'roles', entry.actorRole)})` : ''}
      </Field>
      <Field label={t('audit.targets')} hiddenFrom="sm">
        <AuditTargets
          targetType={entry.targetType}
          targetIds={entry.targetIds}
          targetCount={entry.targetCount}
        />
      </Field>
      <Field label={t('audit.purpose')} hiddenFrom="lg">
        {entry.purpose ? auditPurposeLabel(t, entry.purpose) : '—'}
      </Field>
      <Field label={t('audit.requestId')} hiddenFrom="xl">
        <Text span size="sm" ff="monospace">
          {entry.requestId ?? '—'}
        </Text>
      </Field>
      <Field label={t('audit.ip')}>
        <Text span size="sm" ff="monospace">
          {entry.ip ?? '—'}
        </Text>
      </Field>
      <Field label={t('audit.userAgent')}>{entry.userAgent ?? '—'}</Field>
      <Field label={t('audit.detail')}>
        <AuditDetailList detail={entry.detail} />
      </Field>
    </SimpleGrid>
  );
}

/** The detail as a readable list of labelled values, not raw JSON. */
export function AuditDetailList({ detail }: { detail: AuditEntry['detail'] }) {
  const { t } = useTranslation();
  const rows = auditDetailRows(t, detail);
  if (rows.length === 0) return <>—</>;
  return (
    <Box
      component="dl"
      m={0}
      style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 12, rowGap: 2 }}
    >
      {rows.map((row) => (
        <Box key={row.key} style={{ display: 'contents' }}>
          <Text component="dt" size="xs" c="dimmed">
            {row.label}
          </Text>
          <Text component="dd" size="xs" m={0} style={{ overflowWrap: 'anywhere' }}>
            {row.value}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
