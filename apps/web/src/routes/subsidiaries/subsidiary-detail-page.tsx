import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { isNotFoundError } from '../../lib/api-error';
import { useCan } from '../../lib/auth';
import { formatOrgNumber } from '../../lib/format';
import { parseId } from '../../lib/search-params';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { NotFoundPage } from '../layout/not-found-page';
import { LeadCountLink } from '../projects/lead-count-link';
import { ProjectStatusBadge } from '../projects/project-status-badge';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text component="div" size="sm" mt={2} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export function SubsidiaryDetailPage() {
  const id = parseId(useParams().id);
  if (id === undefined) return <NotFoundPage />;
  return <SubsidiaryDetail id={id} key={id} />;
}

function SubsidiaryDetail({ id }: { id: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const query = useQuery(trpc.subsidiary.overview.queryOptions({ id }));

  const backLink = (
    <Anchor component={Link} to="/subsidiaries" size="sm">
      <Group gap={4}>
        <IconArrowLeft aria-hidden size={16} />
        {t('subsidiaries.backToList')}
      </Group>
    </Anchor>
  );

  if (query.isPending)
    return (
      <>
        {backLink}
        <TableSkeleton rows={4} />
      </>
    );
  if (query.isError) {
    if (isNotFoundError(query.error))
      return (
        <Stack align="flex-start" py="xl">
          <PageHeader
            title={t('subsidiaries.notFound')}
            description={t('subsidiaries.notFoundBody')}
          />
          {backLink}
        </Stack>
      );
    return (
      <Stack>
        {backLink}
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </Stack>
    );
  }

  const { subsidiary, projects, leadCount } = query.data;
  return (
    <>
      <PageHeader
        above={backLink}
        title={subsidiary.name}
        badges={
          <Badge color={subsidiary.active ? 'teal' : 'gray'} variant="light">
            {subsidiary.active ? t('common.active') : t('common.inactive')}
          </Badge>
        }
      />
      <Stack gap="lg">
        <Paper withBorder p="lg" radius="md">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="lg">
            <Field label={t('subsidiaries.orgNumber')}>
              <span className="tabular">{formatOrgNumber(subsidiary.orgNumber)}</span>
            </Field>
            <Field label={t('subsidiaries.contactEmail')}>{subsidiary.contactEmail}</Field>
            <Field label={t('subsidiaries.leads')}>
              <LeadCountLink count={leadCount} filter={{ subsidiaryId: subsidiary.id }} />
            </Field>
          </SimpleGrid>
        </Paper>

        <Paper withBorder radius="md">
          <Title order={2} fz="h4" p="md" pb="xs">
            {t('subsidiaries.projects')}
          </Title>
          <Text size="sm" c="dimmed" px="md" pb="sm">
            {t('subsidiaries.projectsHint')}
          </Text>
          {projects.length === 0 ? (
            <EmptyState title={t('subsidiaries.noProjects')} />
          ) : (
            <DataTable
              aria-label={t('subsidiaries.projects')}
              records={projects}
              idAccessor="id"
              verticalSpacing="sm"
              columns={[
                {
                  accessor: 'name',
                  title: t('projects.name'),
                  render: (row) => (
                    <Anchor component={Link} to={`/projects/${row.id}`} fw={500} size="sm">
                      {row.name}
                    </Anchor>
                  ),
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
                  accessor: 'leadCount',
                  title: t('projects.leads'),
                  textAlign: 'right',
                  render: (row) => (
                    <LeadCountLink
                      count={row.leadCount}
                      filter={{ projectId: row.id, subsidiaryId: subsidiary.id }}
                    />
                  ),
                },
              ]}
            />
          )}
        </Paper>

        <SubsidiaryUsers subsidiaryId={subsidiary.id} />
      </Stack>
    </>
  );
}

/** Only for roles that may read users (admin, auditor); others never ask. */
function SubsidiaryUsers({ subsidiaryId }: { subsidiaryId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canRead = useCan('user:read');
  const users = useQuery({
    ...trpc.user.list.queryOptions({ subsidiaryId }),
    enabled: canRead,
  });
  if (!canRead) return null;
  return (
    <Paper withBorder radius="md">
      <Title order={2} fz="h4" p="md" pb="sm">
        {t('subsidiaries.users')}
      </Title>
      {users.isPending ? (
        <TableSkeleton rows={3} />
      ) : users.isError ? (
        <ErrorState error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.length === 0 ? (
        <EmptyState title={t('subsidiaries.noUsers')} />
      ) : (
        <DataTable
          aria-label={t('subsidiaries.users')}
          records={users.data}
          idAccessor="id"
          verticalSpacing="sm"
          columns={[
            { accessor: 'name', title: t('users.name') },
            {
              accessor: 'email',
              title: t('users.email'),
              // On a phone an address would break mid-word: the name says who it is.
              visibleMediaQuery: (theme) => `(min-width: ${theme.breakpoints.sm})`,
            },
            {
              accessor: 'status',
              title: t('users.status'),
              render: (row) => t(`userStatus.${row.status}`),
            },
          ]}
        />
      )}
    </Paper>
  );
}
