import { Anchor, Button, Paper, Stack, TextInput, VisuallyHidden } from '@mantine/core';
import { isSubsidiaryScoped } from '@mg/shared';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { EditRowButton } from '../../components/row-buttons';
import { useCan, useCurrentUser } from '../../lib/auth';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { useDebouncedParam } from '../../lib/use-debounced-param';
import { useTranslation } from '../../lib/use-translation';
import { LeadCountLink } from './lead-count-link';
import { matchProjects } from './match-projects';
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
  // The search lives in the URL (?q=), so a filtered list can be shared and survives "back".
  const [params, setParams] = useSearchParams();
  const urlQuery = params.get('q') ?? '';
  const [query, setQuery, flush] = useDebouncedParam(urlQuery, (value) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set('q', value);
        else next.delete('q');
        return next;
      },
      { replace: true },
    ),
  );
  const shown = useMemo(() => matchProjects(list.data ?? [], urlQuery), [list.data, urlQuery]);

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
      <Stack gap="md">
        <TextInput
          type="search"
          label={t('projects.search')}
          placeholder={t('projects.searchPlaceholder')}
          leftSection={<IconSearch aria-hidden size={16} />}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') flush();
          }}
          maw={420}
        />
        <Paper withBorder radius="md">
          {list.isPending ? (
            <TableSkeleton rows={6} />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : list.data.length === 0 ? (
            <EmptyState title={t('projects.empty')} />
          ) : shown.length === 0 ? (
            <EmptyState title={t('projects.noMatch', { query: urlQuery })} />
          ) : (
            <DataTable
              aria-label={t('projects.title')}
              records={shown}
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
                  render: (row) => (
                    <Anchor component={Link} to={`/subsidiaries/${row.subsidiaryId}`} size="sm">
                      {row.subsidiaryName}
                    </Anchor>
                  ),
                },
                {
                  accessor: 'leadCount',
                  title: t('projects.leads'),
                  textAlign: 'right',
                  render: (row) => (
                    <LeadCountLink count={row.leadCount} filter={{ projectId: row.id }} />
                  ),
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
      </Stack>
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
