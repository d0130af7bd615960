import { Grid, Select, SimpleGrid, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { CONSENT_PURPOSES, type ConsentPurpose, LEAD_STATUSES } from '@mg/shared';
import { IconCalendar, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { CollapsibleFilters } from '../../components/collapsible-filters';
import { ClearFiltersButton } from '../../components/row-buttons';
import { useCan } from '../../lib/auth';
import { useTRPC } from '../../lib/trpc';
import { useDebouncedParam } from '../../lib/use-debounced-param';
import type { LeadGridControls } from './use-lead-filters';

type Props = Pick<LeadGridControls, 'filter' | 'setFilter' | 'active' | 'clear'> & {
  /** Users who see every subsidiary may narrow the list to one. */
  showSubsidiary: boolean;
  /** People the assignee filter offers, besides "unassigned". */
  assignees: { id: number; name: string }[];
};

type TriState = 'yes' | 'no';
const toTri = (value: boolean | undefined): TriState | null =>
  value === undefined ? null : value ? 'yes' : 'no';
const fromTri = (value: string | null): boolean | undefined =>
  value === 'yes' ? true : value === 'no' ? false : undefined;
const toDay = (value: string | Date | null): string | undefined =>
  value ? dayjs(value).format('YYYY-MM-DD') : undefined;

export function LeadFiltersBar({
  filter,
  setFilter,
  active,
  clear,
  showSubsidiary,
  assignees,
}: Props) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canReadProjects = useCan('project:read');
  const projects = useQuery({ ...trpc.project.list.queryOptions(), enabled: canReadProjects });
  const subsidiaries = useQuery({
    ...trpc.subsidiary.list.queryOptions(),
    enabled: showSubsidiary,
  });
  const consents = filter.consents ?? {};
  const selectsInUse = [
    filter.projectId,
    filter.subsidiaryId,
    filter.status,
    filter.from,
    filter.to,
    filter.assigneeUserId,
    filter.restricted,
    filter.legalHold,
    filter.anonymised,
    ...CONSENT_PURPOSES.map((purpose) => consents[purpose]),
  ].filter((value) => value !== undefined).length;
  const [search, setSearch, flushSearch] = useDebouncedParam(filter.search ?? '', (q) =>
    setFilter({ search: q || undefined }),
  );

  const setConsent = (purpose: ConsentPurpose, value: string | null) => {
    const next = { ...consents, [purpose]: fromTri(value) };
    if (next[purpose] === undefined) delete next[purpose];
    setFilter({ consents: Object.keys(next).length > 0 ? next : undefined, consent: undefined });
  };

  const triData = [
    { value: 'yes', label: t('common.yes') },
    { value: 'no', label: t('common.no') },
  ];
  const consentData = [
    { value: 'yes', label: t('consent.granted') },
    { value: 'no', label: t('consent.notGranted') },
  ];
  const assigneeData = [
    { value: 'unassigned', label: t('lead.unassigned') },
    ...assignees.map((user) => ({ value: String(user.id), label: user.name })),
  ];
  const assigneeValue = filter.assigneeUserId === undefined ? null : String(filter.assigneeUserId);
  if (assigneeValue && !assigneeData.some((item) => item.value === assigneeValue))
    assigneeData.push({
      value: assigneeValue,
      label: t('leads.userNumber', { id: assigneeValue }),
    });

  return (
    <search aria-label={t('leads.filters')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          flushSearch();
        }}
      >
        <Grid gap="sm">
          <Grid.Col span={12}>
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
          <Grid.Col span={12}>
            <CollapsibleFilters activeCount={selectsInUse}>
              <SimpleGrid
                cols={{ base: 1, xs: 2, md: 3, lg: 4, xl: 6 }}
                spacing="sm"
                verticalSpacing="xs"
              >
                {canReadProjects ? (
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
                    value={filter.projectId ? String(filter.projectId) : null}
                    onChange={(value) =>
                      setFilter({ projectId: value ? Number(value) : undefined })
                    }
                  />
                ) : null}
                {showSubsidiary ? (
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
                    value={filter.subsidiaryId ? String(filter.subsidiaryId) : null}
                    onChange={(value) =>
                      setFilter({ subsidiaryId: value ? Number(value) : undefined })
                    }
                  />
                ) : null}
                <Select
                  label={t('leads.status')}
                  placeholder={t('leads.allStatuses')}
                  clearable
                  data={LEAD_STATUSES.map((status) => ({
                    value: status,
                    label: t(`leadStatus.${status}`),
                  }))}
                  value={filter.status ?? null}
                  onChange={(value) =>
                    setFilter({
                      status: LEAD_STATUSES.find((status) => status === value),
                    })
                  }
                />
                <Select
                  label={t('leads.assignee')}
                  placeholder={t('leads.anyAssignee')}
                  clearable
                  searchable
                  nothingFoundMessage={t('common.nothingFound')}
                  data={assigneeData}
                  value={assigneeValue}
                  onChange={(value) =>
                    setFilter({
                      assigneeUserId:
                        value === null ? undefined : value === 'unassigned' ? value : Number(value),
                    })
                  }
                />
                <DatePickerInput
                  label={t('leads.from')}
                  placeholder={t('leads.datePlaceholder')}
                  valueFormat="L"
                  clearable
                  leftSection={<IconCalendar aria-hidden size={16} />}
                  value={filter.from ?? null}
                  maxDate={filter.to}
                  onChange={(value) => setFilter({ from: toDay(value) })}
                />
                <DatePickerInput
                  label={t('leads.to')}
                  placeholder={t('leads.datePlaceholder')}
                  valueFormat="L"
                  clearable
                  leftSection={<IconCalendar aria-hidden size={16} />}
                  value={filter.to ?? null}
                  minDate={filter.from}
                  onChange={(value) => setFilter({ to: toDay(value) })}
                />
                {CONSENT_PURPOSES.map((purpose) => (
                  <Select
                    key={purpose}
                    label={t(`consent.purposeShort.${purpose}`)}
                    placeholder={t('leads.anyConsent')}
                    clearable
                    data={consentData}
                    value={toTri(consents[purpose])}
                    onChange={(value) => setConsent(purpose, value)}
                  />
                ))}
                <Select
                  label={t('lead.flags.restricted')}
                  placeholder={t('leads.anyFlag')}
                  clearable
                  data={triData}
                  value={toTri(filter.restricted)}
                  onChange={(value) => setFilter({ restricted: fromTri(value) })}
                />
                <Select
                  label={t('lead.flags.legalHold')}
                  placeholder={t('leads.anyFlag')}
                  clearable
                  data={triData}
                  value={toTri(filter.legalHold)}
                  onChange={(value) => setFilter({ legalHold: fromTri(value) })}
                />
                <Select
                  label={t('leads.anonymised')}
                  placeholder={t('leads.anyFlag')}
                  clearable
                  data={triData}
                  value={toTri(filter.anonymised)}
                  onChange={(value) => setFilter({ anonymised: fromTri(value) })}
                />
              </SimpleGrid>
            </CollapsibleFilters>
          </Grid.Col>
        </Grid>
        {active ? (
          <ClearFiltersButton
            label={t('leads.clearFilters')}
            onClick={() => {
              setSearch('');
              clear();
            }}
          />
        ) : null}
      </form>
    </search>
  );
}
