import {
  Anchor,
  Button,
  CopyButton,
  Group,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconArrowLeft,
  IconArrowsExchange,
  IconCheck,
  IconCopy,
  IconExternalLink,
  IconPencil,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { type ReactNode, useState } from 'react';
import { Link, useParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { EmptyState, ErrorState, TableSkeleton } from '../../components/query-states';
import { isNotFoundError } from '../../lib/api-error';
import { useCan } from '../../lib/auth';
import { formatDateTime } from '../../lib/format';
import { parseId } from '../../lib/search-params';
import { useTRPC } from '../../lib/trpc';
import { useTranslation } from '../../lib/use-translation';
import { NotFoundPage } from '../layout/not-found-page';
import { AssignProjectModal } from './assign-project-modal';
import { ProjectFormModal } from './project-form-modal';
import { ProjectStatusBadge } from './project-status-badge';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text component="div" size="sm" mt={2}>
        {children}
      </Text>
    </div>
  );
}

/** The hosted form: open it, or copy its full address to paste into a website or an e-mail. */
function FormLink({ slug }: { slug: string }) {
  const { t } = useTranslation();
  const path = `/skjema/${encodeURIComponent(slug)}`;
  return (
    <Group gap="xs" wrap="wrap">
      <Anchor href={path} target="_blank" rel="noopener" size="sm">
        <Group gap={4} component="span" wrap="nowrap">
          {t('projects.openForm')}
          <IconExternalLink aria-hidden size={14} />
          <VisuallyHidden>{t('common.opensInNewTab')}</VisuallyHidden>
        </Group>
      </Anchor>
      <CopyButton value={`${window.location.origin}${path}`} timeout={2000}>
        {({ copied, copy }) => (
          <Tooltip label={t('projects.copyLinkLabel')} disabled={copied}>
            <Button
              size="compact-sm"
              variant={copied ? 'light' : 'default'}
              color={copied ? 'teal' : undefined}
              leftSection={
                copied ? <IconCheck aria-hidden size={14} /> : <IconCopy aria-hidden size={14} />
              }
              onClick={copy}
            >
              {copied ? t('projects.linkCopied') : t('projects.copyLink')}
            </Button>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

export function ProjectDetailPage() {
  const id = parseId(useParams().id);
  if (id === undefined) return <NotFoundPage />;
  return <ProjectDetail id={id} key={id} />;
}

function ProjectDetail({ id }: { id: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canWrite = useCan('project:write');
  const canAssign = useCan('project:assign');
  const query = useQuery(trpc.project.byId.queryOptions({ id }));
  const [dialog, setDialog] = useState<null | 'edit' | 'assign'>(null);

  const backLink = (
    <Anchor component={Link} to="/projects" size="sm">
      <Group gap={4}>
        <IconArrowLeft aria-hidden size={16} />
        {t('projects.backToList')}
      </Group>
    </Anchor>
  );

  if (query.isPending) {
    return (
      <>
        {backLink}
        <TableSkeleton rows={4} />
      </>
    );
  }
  if (query.isError) {
    if (isNotFoundError(query.error)) {
      return (
        <Stack align="flex-start" py="xl">
          <PageHeader title={t('projects.notFound')} description={t('projects.notFoundBody')} />
          {backLink}
        </Stack>
      );
    }
    return (
      <Stack>
        {backLink}
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      </Stack>
    );
  }

  const { project, assignments } = query.data;
  return (
    <>
      <PageHeader
        above={backLink}
        title={project.name}
        badges={<ProjectStatusBadge status={project.status} />}
        actions={
          <>
            {canWrite ? (
              <Button
                variant="default"
                leftSection={<IconPencil aria-hidden size={18} />}
                onClick={() => setDialog('edit')}
              >
                {t('common.edit')}
              </Button>
            ) : null}
            {canAssign ? (
              <Button
                leftSection={<IconArrowsExchange aria-hidden size={18} />}
                onClick={() => setDialog('assign')}
              >
                {t('projects.assign')}
              </Button>
            ) : null}
          </>
        }
      />
      <Stack gap="lg">
        <Paper withBorder p="lg" radius="md">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="lg">
            <Field label={t('projects.subsidiary')}>{project.subsidiaryName}</Field>
            <Field label={t('projects.place')}>{project.place}</Field>
            <Field label={t('projects.status')}>{t(`projectStatus.${project.status}`)}</Field>
            <Field label={t('projects.slug')}>
              <Text component="span" ff="monospace" size="sm">
                {project.slug}
              </Text>
            </Field>
            <Field label={t('projects.form')}>
              <FormLink slug={project.slug} />
            </Field>
            <Field label={t('common.createdAt')}>{formatDateTime(project.createdAt)}</Field>
          </SimpleGrid>
        </Paper>

        <Paper withBorder radius="md">
          <Title order={2} fz="h4" p="md" pb="xs">
            {t('projects.history')}
          </Title>
          <Text size="sm" c="dimmed" px="md" pb="sm">
            {t('projects.historyHint')}
          </Text>
          {assignments.length === 0 ? (
            <EmptyState title={t('projects.historyEmpty')} />
          ) : (
            <DataTable
              aria-label={t('projects.history')}
              records={assignments}
              idAccessor="id"
              verticalSpacing="sm"
              columns={[
                {
                  accessor: 'at',
                  title: t('projects.historyAt'),
                  noWrap: true,
                  render: (row) => formatDateTime(row.at),
                },
                {
                  accessor: 'fromName',
                  title: t('projects.historyFrom'),
                  render: (row) =>
                    row.fromName ?? (
                      <Text span c="dimmed" size="sm">
                        {t('projects.firstAssignment')}
                      </Text>
                    ),
                },
                { accessor: 'toName', title: t('projects.historyTo') },
                {
                  accessor: 'actorName',
                  title: t('projects.historyBy'),
                  render: (row) => row.actorName ?? t('common.system'),
                },
              ]}
            />
          )}
        </Paper>
      </Stack>

      {dialog === 'edit' ? (
        <ProjectFormModal project={project} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'assign' ? (
        <AssignProjectModal project={project} onClose={() => setDialog(null)} />
      ) : null}
    </>
  );
}
