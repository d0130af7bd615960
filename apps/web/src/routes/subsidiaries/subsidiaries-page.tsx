import { Anchor, Badge, Button, Paper, VisuallyHidden } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { EditRowButton } from '../../components/row-buttons';
import { useCan } from '../../lib/auth';
import { formatNumber, formatOrgNumber } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { SubsidiaryFormModal } from './subsidiary-form-modal';

export type Subsidiary = RouterOutputs['subsidiary']['list'][number];

/** `null` is closed; `'new'` creates; a record edits it. */
type Editing = null | 'new' | Subsidiary;

export function SubsidiariesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('subsidiary:write');
  const list = useQuery(trpc.subsidiary.list.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);

  return (
    <>
      <PageHeader
        title={t('subsidiaries.title')}
        description={t('subsidiaries.description')}
        actions={
          canWrite ? (
            <Button
              leftSection={<IconPlus aria-hidden size={18} />}
              onClick={() => setEditing('new')}
            >
              {t('subsidiaries.new')}
            </Button>
          ) : null
        }
      />
      <Paper withBorder p={0} radius="md">
        {list.isPending ? (
          <TableSkeleton rows={5} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.length === 0 ? (
          <EmptyState title={t('subsidiaries.empty')} />
        ) : (
          <DataTable
            aria-label={t('subsidiaries.title')}
            records={list.data}
            idAccessor="id"
            highlightOnHover
            verticalSpacing="sm"
            columns={[
              {
                accessor: 'name',
                title: t('subsidiaries.name'),
                render: (row) => (
                  <Anchor component={Link} to={`/subsidiaries/${row.id}`} fw={500}>
                    {row.name}
                  </Anchor>
                ),
              },
              {
                accessor: 'orgNumber',
                title: t('subsidiaries.orgNumberShort'),
                cellsClassName: 'tabular',
                noWrap: true,
                render: (row) => formatOrgNumber(row.orgNumber),
              },
              {
                accessor: 'contactEmail',
                title: t('subsidiaries.contactEmail'),
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
              },
              {
                accessor: 'active',
                title: t('subsidiaries.status'),
                render: (row) => (
                  <Badge color={row.active ? 'teal' : 'gray'} variant="light">
                    {row.active ? t('common.active') : t('common.inactive')}
                  </Badge>
                ),
              },
              {
                accessor: 'projectCount',
                title: t('subsidiaries.projectCount'),
                textAlign: 'right',
                cellsClassName: 'tabular',
                render: (row) => formatNumber(row.projectCount),
              },
              {
                accessor: 'actions',
                title: <VisuallyHidden>{t('common.actions')}</VisuallyHidden>,
                textAlign: 'right',
                hidden: !canWrite,
                render: (row) => (
                  <EditRowButton
                    label={t('subsidiaries.editNamed', { name: row.name })}
                    onClick={() => setEditing(row)}
                  />
                ),
              },
            ]}
          />
        )}
      </Paper>
      {canWrite && editing !== null ? (
        <SubsidiaryFormModal
          key={editing === 'new' ? 'new' : editing.id}
          subsidiary={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}
