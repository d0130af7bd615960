import { Alert, Badge, Button, Group, Paper, Text, VisuallyHidden } from '@mantine/core';
import { IconAlertTriangle, IconFileText, IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { DataTable } from 'mantine-datatable';
import { useState } from 'react';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { formatDateTime, formatDay, formatNumber } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { PolicyTextModal } from './policy-text-modal';
import { PublishPolicyModal } from './publish-policy-modal';

export type PolicyVersion = RouterOutputs['policy']['list']['versions'][number];

export function PolicyPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const list = useQuery(trpc.policy.list.queryOptions());
  const [publishing, setPublishing] = useState(false);
  // The last version opened stays in the dialog while it fades out.
  const [reading, setReading] = useState<PolicyVersion | null>(null);
  const [readingOpen, setReadingOpen] = useState(false);
  const today = dayjs().format('YYYY-MM-DD');

  return (
    <>
      <PageHeader
        title={t('policy.title')}
        description={t('policy.description')}
        actions={
          <Button
            leftSection={<IconPlus aria-hidden size={18} />}
            // The new version starts from the current text: wait until it is here.
            disabled={list.isPending}
            onClick={() => setPublishing(true)}
          >
            {t('policy.publish')}
          </Button>
        }
      />
      {list.isSuccess && list.data.currentId === null && list.data.versions.length > 0 ? (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle aria-hidden />} mb="md">
          {t('policy.noCurrent')}
        </Alert>
      ) : null}
      <Paper withBorder radius="md">
        {list.isPending ? (
          <TableSkeleton rows={3} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.versions.length === 0 ? (
          <EmptyState title={t('policy.empty')} />
        ) : (
          <DataTable
            aria-label={t('policy.title')}
            records={list.data.versions}
            idAccessor="id"
            verticalSpacing="sm"
            columns={[
              {
                accessor: 'label',
                title: t('policy.label'),
                render: (row) => (
                  <Group gap={6}>
                    <Text fw={500} size="sm" style={{ overflowWrap: 'break-word' }}>
                      {row.label}
                    </Text>
                    {row.id === list.data.currentId ? (
                      <Badge color="teal" variant="light" style={{ flexShrink: 0 }}>
                        {t('policy.current')}
                      </Badge>
                    ) : row.effectiveDate > today ? (
                      <Badge color="blue" variant="light" style={{ flexShrink: 0 }}>
                        {t('policy.upcoming')}
                      </Badge>
                    ) : null}
                  </Group>
                ),
              },
              {
                accessor: 'effectiveDate',
                title: t('policy.effectiveDate'),
                noWrap: true,
                render: (row) => formatDay(row.effectiveDate),
              },
              {
                accessor: 'publishedAt',
                title: t('policy.publishedAt'),
                noWrap: true,
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
                render: (row) => formatDateTime(row.publishedAt),
              },
              {
                accessor: 'publishedByName',
                title: t('policy.publishedBy'),
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
                render: (row) => row.publishedByName ?? t('common.system'),
              },
              {
                accessor: 'leadCount',
                title: t('policy.leadCount'),
                textAlign: 'right',
                cellsClassName: 'tabular',
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
                render: (row) => formatNumber(row.leadCount),
              },
              {
                accessor: 'actions',
                title: <VisuallyHidden>{t('common.actions')}</VisuallyHidden>,
                textAlign: 'right',
                render: (row) => (
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    leftSection={<IconFileText aria-hidden size={16} />}
                    aria-label={t('policy.showTextNamed', { label: row.label })}
                    onClick={() => {
                      setReading(row);
                      setReadingOpen(true);
                    }}
                  >
                    {t('policy.showText')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Paper>
      {reading ? (
        <PolicyTextModal
          version={reading}
          opened={readingOpen}
          onClose={() => setReadingOpen(false)}
        />
      ) : null}
      {publishing ? (
        <PublishPolicyModal
          // A new version is nearly always an edit of the one in force: start from its text
          // (or, with none in force yet, from the newest one published).
          startFrom={
            list.data?.versions.find((v) => v.id === list.data.currentId) ??
            list.data?.versions[0] ??
            null
          }
          onClose={() => setPublishing(false)}
        />
      ) : null}
    </>
  );
}
