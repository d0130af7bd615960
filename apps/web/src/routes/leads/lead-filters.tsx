import {
  Button,
  Checkbox,
  CloseButton,
  Group,
  Loader,
  Menu,
  Paper,
  Popover,
  Radio,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  LEAD_STATUSES,
  type LeadFilterParams,
  leadStatusesOf,
} from '@mg/shared';
import { IconFilterPlus, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import type { ParseKeys } from 'i18next';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ClearFiltersButton } from '../../components/row-buttons';
import { useCan } from '../../lib/auth';
import { formatDay } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { useDebouncedParam } from '../../lib/use-debounced-param';
import type { LeadGridControls } from './use-lead-filters';

// The calendar (Mantine dates) is fetched when someone opens the date filter, not with the
// grid's first load (issue 11).
const DateRangePicker = lazy(() => import('../../components/lazy/date-range-picker'));

type Props = Pick<LeadGridControls, 'filter' | 'setFilter' | 'active' | 'clear'> & {
  /** Users who see every subsidiary may narrow the list to one. */
  showSubsidiary: boolean;
  /**
   * Restriction, legal hold, anonymisation and consent: filters for the roles that work
   * with them (admins, privacy officers), not for subsidiary users, who would only be
   * confused by them.
   */
  showPrivacy: boolean;
  /** People the assignee filter offers, besides "unassigned". */
  assignees: { id: number; name: string }[];
  /** Extra buttons beside the search ("Mine leads"). */
  children?: ReactNode;
};

/** Each filter the "+ Filter" menu can add; one removable chip each once in use. */
const FILTER_KEYS = [
  'status',
  'projectId',
  'subsidiaryId',
  'assigneeUserId',
  'created',
  'consent.marketing_email',
  'consent.marketing_sms',
  'restricted',
  'legalHold',
  'anonymised',
] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const PRIVACY_KEYS = new Set<FilterKey>([
  'consent.marketing_email',
  'consent.marketing_sms',
  'restricted',
  'legalHold',
  'anonymised',
]);

const LABELS: Record<FilterKey, ParseKeys> = {
  status: 'leads.status',
  projectId: 'leads.project',
  subsidiaryId: 'leads.subsidiary',
  assigneeUserId: 'leads.assignee',
  created: 'leads.created',
  'consent.marketing_email': 'consent.purposeShort.marketing_email',
  'consent.marketing_sms': 'consent.purposeShort.marketing_sms',
  restricted: 'lead.flags.restricted',
  legalHold: 'lead.flags.legalHold',
  anonymised: 'leads.anonymised',
};

type FlagKey = 'restricted' | 'legalHold' | 'anonymised';
function isFlagKey(key: FilterKey): key is FlagKey {
  return key === 'restricted' || key === 'legalHold' || key === 'anonymised';
}

function purposeOf(key: FilterKey): ConsentPurpose | null {
  return CONSENT_PURPOSES.find((p) => key === `consent.${p}`) ?? null;
}

/** Current consent per purpose, with the old `consent` shorthand folded in. */
function consentsOf(filter: LeadFilterParams): Partial<Record<ConsentPurpose, boolean>> {
  const out = { ...filter.consents };
  if (filter.consent) out[filter.consent] = true;
  return out;
}

function isInUse(filter: LeadFilterParams, key: FilterKey): boolean {
  const purpose = purposeOf(key);
  if (purpose) return consentsOf(filter)[purpose] !== undefined;
  if (key === 'status') return leadStatusesOf(filter).length > 0;
  if (key === 'created') return filter.from !== undefined || filter.to !== undefined;
  if (isFlagKey(key)) return filter[key] !== undefined;
  if (key === 'projectId' || key === 'subsidiaryId' || key === 'assigneeUserId')
    return filter[key] !== undefined;
  return false;
}

/** The change that removes one filter. */
function removal(filter: LeadFilterParams, key: FilterKey): Partial<LeadFilterParams> {
  const purpose = purposeOf(key);
  if (purpose) {
    const next = consentsOf(filter);
    delete next[purpose];
    return { consents: Object.keys(next).length > 0 ? next : undefined, consent: undefined };
  }
  if (key === 'created') return { from: undefined, to: undefined };
  return { [key]: undefined };
}

/**
 * The grid's filters, compact: a search box and "+ Filter", which adds one filter at a time
 * as a chip that says what it is set to; click a chip to change it, × to remove it. The
 * rows stay above the fold however many filters are in use.
 */
export function LeadFiltersBar({
  filter,
  setFilter,
  active,
  clear,
  showSubsidiary,
  showPrivacy,
  assignees,
  children,
}: Props) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const canReadProjects = useCan('project:read');
  const projects = useQuery({ ...trpc.project.list.queryOptions(), enabled: canReadProjects });
  const subsidiaries = useQuery({
    ...trpc.subsidiary.list.queryOptions(),
    enabled: showSubsidiary,
  });
  const [search, setSearch, flushSearch] = useDebouncedParam(filter.search ?? '', (q) =>
    setFilter({ search: q || undefined }),
  );
  /** The chip whose editor is open; a filter just added has a chip before it has a value. */
  const [editing, setEditing] = useState<FilterKey | null>(null);

  const offered = FILTER_KEYS.filter(
    (key) =>
      (key !== 'projectId' || canReadProjects) &&
      (key !== 'subsidiaryId' || showSubsidiary) &&
      (showPrivacy || !PRIVACY_KEYS.has(key)),
  );
  // A privacy filter a link carries stays visible (and removable) even for a role that is
  // not offered it, so the grid never narrows by something the page does not show.
  const chips = FILTER_KEYS.filter((key) => isInUse(filter, key) || key === editing);

  const triData = [
    { value: 'yes', label: t('common.yes') },
    { value: 'no', label: t('common.no') },
  ];
  const consentData = [
    { value: 'yes', label: t('consent.granted') },
    { value: 'no', label: t('consent.notGranted') },
  ];
  const yesNo = (value: boolean | undefined) => (value === undefined ? null : value ? 'yes' : 'no');
  const fromYesNo = (value: string | null) =>
    value === 'yes' ? true : value === 'no' ? false : undefined;
  const projectName = (id: number) =>
    projects.data?.find((p) => p.id === id)?.name ?? t('leads.projectNumber', { id });
  const subsidiaryName = (id: number) =>
    subsidiaries.data?.find((s) => s.id === id)?.name ?? `#${id}`;
  const assigneeName = (value: number | 'unassigned') =>
    value === 'unassigned'
      ? t('lead.unassigned')
      : (assignees.find((a) => a.id === value)?.name ?? t('leads.userNumber', { id: value }));

  function valueText(key: FilterKey): string {
    const purpose = purposeOf(key);
    if (purpose) {
      const granted = consentsOf(filter)[purpose];
      return granted === undefined ? '' : granted ? t('consent.granted') : t('consent.notGranted');
    }
    switch (key) {
      case 'status':
        return leadStatusesOf(filter)
          .map((s) => t(`leadStatus.${s}`))
          .join(', ');
      case 'projectId':
        return filter.projectId ? projectName(filter.projectId) : '';
      case 'subsidiaryId':
        return filter.subsidiaryId ? subsidiaryName(filter.subsidiaryId) : '';
      case 'assigneeUserId':
        return filter.assigneeUserId === undefined ? '' : assigneeName(filter.assigneeUserId);
      case 'created':
        if (filter.from && filter.to) return `${formatDay(filter.from)} – ${formatDay(filter.to)}`;
        if (filter.from) return t('leads.fromDay', { day: formatDay(filter.from) });
        if (filter.to) return t('leads.toDay', { day: formatDay(filter.to) });
        return '';
      default: {
        const value = isFlagKey(key) ? filter[key] : undefined;
        return value === undefined ? '' : value ? t('common.yes') : t('common.no');
      }
    }
  }

  function editor(key: FilterKey): ReactNode {
    const label = t(LABELS[key]);
    const purpose = purposeOf(key);
    if (purpose) {
      return (
        <Radio.Group
          label={label}
          value={yesNo(consentsOf(filter)[purpose])}
          onChange={(value) => {
            const next = { ...consentsOf(filter), [purpose]: fromYesNo(value) };
            setFilter({ consents: next, consent: undefined });
          }}
        >
          <Stack gap="xs" mt="xs">
            {consentData.map((item) => (
              <Radio key={item.value} value={item.value} label={item.label} />
            ))}
          </Stack>
        </Radio.Group>
      );
    }
    switch (key) {
      case 'status':
        return (
          <Checkbox.Group
            label={label}
            value={leadStatusesOf(filter)}
            onChange={(values) => {
              const next = LEAD_STATUSES.filter((s) => values.includes(s));
              setFilter({ status: next.length > 0 ? next : undefined });
            }}
          >
            <Stack gap="xs" mt="xs">
              {LEAD_STATUSES.map((status) => (
                <Checkbox key={status} value={status} label={t(`leadStatus.${status}`)} />
              ))}
            </Stack>
          </Checkbox.Group>
        );
      case 'projectId':
        return (
          <Select
            label={label}
            placeholder={t('leads.allProjects')}
            searchable
            data-autofocus
            comboboxProps={{ withinPortal: false }}
            nothingFoundMessage={t('common.nothingFound')}
            data={(projects.data ?? []).map((p) => ({ value: String(p.id), label: p.name }))}
            value={filter.projectId ? String(filter.projectId) : null}
            onChange={(value) => setFilter({ projectId: value ? Number(value) : undefined })}
          />
        );
      case 'subsidiaryId':
        return (
          <Select
            label={label}
            placeholder={t('leads.allSubsidiaries')}
            searchable
            data-autofocus
            comboboxProps={{ withinPortal: false }}
            nothingFoundMessage={t('common.nothingFound')}
            data={(subsidiaries.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
            value={filter.subsidiaryId ? String(filter.subsidiaryId) : null}
            onChange={(value) => setFilter({ subsidiaryId: value ? Number(value) : undefined })}
          />
        );
      case 'assigneeUserId': {
        const data = [
          { value: 'unassigned', label: t('lead.unassigned') },
          ...assignees.map((user) => ({ value: String(user.id), label: user.name })),
        ];
        const current = filter.assigneeUserId === undefined ? null : String(filter.assigneeUserId);
        if (current && !data.some((d) => d.value === current))
          data.push({ value: current, label: t('leads.userNumber', { id: current }) });
        return (
          <Select
            label={label}
            placeholder={t('leads.anyAssignee')}
            searchable
            data-autofocus
            comboboxProps={{ withinPortal: false }}
            nothingFoundMessage={t('common.nothingFound')}
            data={data}
            value={current}
            onChange={(value) =>
              setFilter({
                assigneeUserId:
                  value === null ? undefined : value === 'unassigned' ? value : Number(value),
              })
            }
          />
        );
      }
      case 'created':
        return (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {label}
            </Text>
            <Suspense fallback={<Loader size="sm" m="md" />}>
              <DateRangePicker
                type="range"
                allowSingleDateInRange
                value={[filter.from ?? null, filter.to ?? null]}
                onChange={([from, to]) =>
                  setFilter({
                    from: from ? dayjs(from).format('YYYY-MM-DD') : undefined,
                    to: to ? dayjs(to).format('YYYY-MM-DD') : undefined,
                  })
                }
              />
            </Suspense>
          </Stack>
        );
      default:
        if (!isFlagKey(key)) return null;
        return (
          <Radio.Group
            label={label}
            value={yesNo(filter[key])}
            onChange={(value) => setFilter({ [key]: fromYesNo(value) })}
          >
            <Stack gap="xs" mt="xs">
              {triData.map((item) => (
                <Radio key={item.value} value={item.value} label={item.label} />
              ))}
            </Stack>
          </Radio.Group>
        );
    }
  }

  return (
    <search aria-label={t('leads.filters')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          flushSearch();
        }}
      >
        <Group gap="xs" align="center" wrap="wrap">
          <TextInput
            aria-label={t('leads.search')}
            placeholder={t('leads.searchPlaceholder')}
            type="search"
            leftSection={<IconSearch aria-hidden size={16} />}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            maxLength={200}
            style={{ flex: '1 1 220px', minWidth: 0 }}
          />
          <Menu position="bottom-start" withinPortal shadow="md">
            <Menu.Target>
              <Button variant="default" leftSection={<IconFilterPlus aria-hidden size={16} />}>
                {t('leads.filter.add')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {offered.map((key) => (
                <Menu.Item key={key} onClick={() => setEditing(key)}>
                  {t(LABELS[key])}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          {children}
        </Group>
        {chips.length > 0 || active ? (
          <Group gap="xs" mt="xs" wrap="wrap" aria-label={t('leads.filter.inUse')} role="group">
            {chips.map((key) => {
              const label = t(LABELS[key]);
              const value = valueText(key);
              return (
                <Paper key={key} withBorder radius="xl" pl={4} pr={2}>
                  <Group gap={0} wrap="nowrap">
                    <Popover
                      opened={editing === key}
                      onChange={(opened) => setEditing(opened ? key : null)}
                      position="bottom-start"
                      trapFocus
                      returnFocus
                      shadow="md"
                      width={260}
                    >
                      <Popover.Target>
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          radius="xl"
                          onClick={() => setEditing(editing === key ? null : key)}
                          aria-label={t('leads.filter.edit', { name: label, value })}
                        >
                          <Text span size="sm" fw={600}>
                            {label}
                          </Text>
                          {value ? (
                            <Text span size="sm" ml={4} maw={260} truncate>
                              {value}
                            </Text>
                          ) : null}
                        </Button>
                      </Popover.Target>
                      <Popover.Dropdown>{editor(key)}</Popover.Dropdown>
                    </Popover>
                    <CloseButton
                      size="sm"
                      radius="xl"
                      aria-label={t('leads.filter.remove', { name: label })}
                      onClick={() => {
                        if (editing === key) setEditing(null);
                        setFilter(removal(filter, key));
                      }}
                    />
                  </Group>
                </Paper>
              );
            })}
            {active ? (
              <ClearFiltersButton
                label={t('leads.clearFilters')}
                onClick={() => {
                  setSearch('');
                  setEditing(null);
                  clear();
                }}
              />
            ) : null}
          </Group>
        ) : null}
      </form>
    </search>
  );
}
