import { Anchor, Button, Paper, VisuallyHidden } from '@mantine/core';
import { isSubsidiaryScoped } from '@mg/shared';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { EditRowButton } from '../../components/row-buttons';
import { useCan, useCurrentUser } from '../../lib/auth';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { ProjectFormModal } from './project-form-modal';
import { ProjectStatusBadge } from './project-status-badge';

type Project = RouterOutputs['project']['list'][number];
type Editing = null | 'new' | Project;

export function ProjectsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const { role } = useCurrentUser();
  const canWrite = useCan('project:write');
  const list = useQuery(trpc.project.list.queryOptions());
  const [editing, setEditing] = useState<Editing>(null);

  return (
    <>
      <PageHeader
        title={t('projects.title')}
        description={t('projects.description')}
        actions={
          canWrite ? (
            <Button
              leftSection={<IconPlus aria-hidden size={18} />}
              onClick={() => setEditing('new')}
            >
              {t('projects.new')}
            </Button>
          ) : null
        }
      />
      <Paper withBorder radius="md">
        {list.isPending ? (
          <TableSkeleton rows={6} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.length === 0 ? (
          <EmptyState title={t('projects.empty')} />
        ) : (
          <DataTable
            aria-label={t('projects.title')}
            records={list.data}
            idAccessor="id"
            highlightOnHover
            verticalSpacing="sm"
            columns={[
              {
                accessor: 'name',
                title: t('projects.name'),
                render: (row) => (
                  <Anchor component={Link} to={`/projects/${row.id}`} fw={500}>
                    {row.name}
                  </Anchor>
                ),
              },
              {
                accessor: 'slug',
                title: t('projects.slug'),
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.lg})`,
              },
              {
                accessor: 'place',
                title: t('projects.place'),
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
              },
              {
                accessor: 'status',
                title: t('projects.status'),
                render: (row) => <ProjectStatusBadge status={row.status} />,
              },
              {
                accessor: 'subsidiaryName',
                title: t('projects.subsidiary'),
                // Everything a subsidiary user sees is their own subsidiary's.
                hidden: isSubsidiaryScoped(role),
                visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.md})`,
              },
              {
                accessor: 'actions',
                title: <VisuallyHidden>{t('common.actions')}</VisuallyHidden>,
                textAlign: 'right',
                hidden: !canWrite,
                render: (row) => (
                  <EditRowButton
                    label={t('projects.editNamed', { name: row.name })}
                    onClick={() => setEditing(row)}
                  />
                ),
              },
            ]}
          />
        )}
      </Paper>
      {canWrite && editing !== null ? (
        <ProjectFormModal
          key={editing === 'new' ? 'new' : editing.id}
          project={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}
