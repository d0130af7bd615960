import { Button, Grid, Select, TextInput } from '@mantine/core';
import { CONSENT_PURPOSES, LEAD_STATUSES } from '@mg/shared';
import { IconFilterOff, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { CollapsibleFilters } from '../../components/collapsible-filters';
import { useCan } from '../../lib/auth';
import { useTRPC } from '../../lib/trpc';
import { useDebouncedParam } from '../../lib/use-debounced-param';
import type { useLeadFilters } from './use-lead-filters';

type Props = ReturnType<typeof useLeadFilters> & {
  /** Users who see every subsidiary may narrow the list to one. */
  showSubsidiary: boolean;
};

/** Search gets a wide column; the selects share the rest of the row on large screens. */
const SEARCH_SPAN = { base: 12, lg: 4 };
const SELECT_SPAN = { base: 12, xs: 6, md: 'auto' } as const;

export function LeadFiltersBar({ filters, setFilters, active, clear, showSubsidiary }: Props) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canReadProjects = useCan('project:read');
  const projects = useQuery({ ...trpc.project.list.queryOptions(), enabled: canReadProjects });
  const subsidiaries = useQuery({
    ...trpc.subsidiary.list.queryOptions(),
    enabled: showSubsidiary,
  });
  const selectsInUse = [
    filters.projectId,
    filters.subsidiaryId,
    filters.status,
    filters.consent,
  ].filter((value) => value !== undefined).length;
  const [search, setSearch, flushSearch] = useDebouncedParam(filters.search ?? '', (q) =>
    setFilters({ q }),
  );

  return (
    <search aria-label={t('leads.filters')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          flushSearch();
        }}
      >
        <Grid gap="sm">
          <Grid.Col span={SEARCH_SPAN}>
            <TextInput
              label={t('leads.search')}
              placeholder={t('leads.searchPlaceholder')}
              type="search"
              leftSection={<IconSearch aria-hidden size={16} />}
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
              maxLength={200}
            />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <CollapsibleFilters activeCount={selectsInUse}>
              <Grid gap="sm">
                {canReadProjects ? (
                  <Grid.Col span={SELECT_SPAN}>
                    <Select
                      label={t('leads.project')}
                      placeholder={t('leads.allProjects')}
                      searchable
                      clearable
                      nothingFoundMessage={t('common.nothingFound')}
                      data={(projects.data ?? []).map((project) => ({
                        value: String(project.id),
                        label: project.name,
                      }))}
                      value={filters.projectId ? String(filters.projectId) : null}
                      onChange={(value) => setFilters({ project: value })}
                    />
                  </Grid.Col>
                ) : null}
                {showSubsidiary ? (
                  <Grid.Col span={SELECT_SPAN}>
                    <Select
                      label={t('leads.subsidiary')}
                      placeholder={t('leads.allSubsidiaries')}
                      searchable
                      clearable
                      nothingFoundMessage={t('common.nothingFound')}
                      data={(subsidiaries.data ?? []).map((subsidiary) => ({
                        value: String(subsidiary.id),
                        label: subsidiary.name,
                      }))}
                      value={filters.subsidiaryId ? String(filters.subsidiaryId) : null}
                      onChange={(value) => setFilters({ subsidiary: value })}
                    />
                  </Grid.Col>
                ) : null}
                <Grid.Col span={SELECT_SPAN}>
                  <Select
                    label={t('leads.status')}
                    placeholder={t('leads.allStatuses')}
                    clearable
                    data={LEAD_STATUSES.map((status) => ({
                      value: status,
                      label: t(`leadStatus.${status}`),
                    }))}
                    value={filters.status ?? null}
                    onChange={(value) => setFilters({ status: value })}
                  />
                </Grid.Col>
                <Grid.Col span={SELECT_SPAN}>
                  <Select
                    label={t('leads.consent')}
                    placeholder={t('leads.anyConsent')}
                    clearable
                    data={CONSENT_PURPOSES.map((purpose) => ({
                      value: purpose,
                      label: t(`consent.filter.${purpose}`),
                    }))}
                    value={filters.consent ?? null}
                    onChange={(value) => setFilters({ consent: value })}
                  />
                </Grid.Col>
              </Grid>
            </CollapsibleFilters>
          </Grid.Col>
        </Grid>
        {active ? (
          <Button
            variant="subtle"
            size="compact-sm"
            mt="xs"
            leftSection={<IconFilterOff aria-hidden size={14} />}
            onClick={() => {
              setSearch('');
              clear();
            }}
          >
            {t('leads.clearFilters')}
          </Button>
        ) : null}
      </form>
    </search>
  );
}
