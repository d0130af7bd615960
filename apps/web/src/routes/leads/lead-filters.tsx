import { Button, CloseButton, Group, Paper, Text, TextInput } from '@mantine/core';
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type LeadFilterParams,
  leadStatusesOf,
} from '@mg/shared';
import { IconFilterPlus, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { ParseKeys } from 'i18next';
import {
  type ComponentProps,
  cloneElement,
  type ReactElement,
  type ReactNode,
  useState,
} from 'react';
import { afterPaint } from '../../components/lazy/after-paint';
import { ClearFiltersButton } from '../../components/row-buttons';
import { useCan } from '../../lib/auth';
import { formatDay } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { useDebouncedParam } from '../../lib/use-debounced-param';
import { useTranslation } from '../../lib/use-translation';
import type { AddFilterMenu, FilterChip } from './lead-filter-editor';
import type { LeadGridControls } from './use-lead-filters';

// The chips' editors and the "+ Filter" menu come just after the first paint
// (lead-filter-editor.tsx); until then a chip or the menu's button is the button alone.
const DeferredFilterChip = afterPaint<ComponentProps<typeof FilterChip>>(
  () => import('./lead-filter-editor').then((module) => ({ default: module.FilterChip })),
  ({ target }) => target,
);
const DeferredAddFilterMenu = afterPaint<ComponentProps<typeof AddFilterMenu>>(
  () => import('./lead-filter-editor').then((module) => ({ default: module.AddFilterMenu })),
  // A click before the menu is there waits for it (see afterPaint).
  ({ target }) =>
    cloneElement(target as ReactElement<{ 'aria-disabled'?: boolean }>, { 'aria-disabled': true }),
);

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
export type FilterKey = (typeof FILTER_KEYS)[number];
const PRIVACY_KEYS = new Set<FilterKey>([
  'consent.marketing_email',
  'consent.marketing_sms',
  'restricted',
  'legalHold',
  'anonymised',
]);

export const LABELS: Record<FilterKey, ParseKeys> = {
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
export function isFlagKey(key: FilterKey): key is FlagKey {
  return key === 'restricted' || key === 'legalHold' || key === 'anonymised';
}

export function purposeOf(key: FilterKey): ConsentPurpose | null {
  return CONSENT_PURPOSES.find((p) => key === `consent.${p}`) ?? null;
}

/** Current consent per purpose, with the old `consent` shorthand folded in. */
export function consentsOf(filter: LeadFilterParams): Partial<Record<ConsentPurpose, boolean>> {
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

export const yesNo = (value: boolean | undefined) =>
  value === undefined ? null : value ? 'yes' : 'no';
export const fromYesNo = (value: string | null) =>
  value === 'yes' ? true : value === 'no' ? false : undefined;

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
          <DeferredAddFilterMenu
            offered={offered}
            onAdd={setEditing}
            target={
              <Button variant="default" leftSection={<IconFilterPlus aria-hidden size={16} />}>
                {t('leads.filter.add')}
              </Button>
            }
          />
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
                    <DeferredFilterChip
                      filterKey={key}
                      filter={filter}
                      setFilter={setFilter}
                      projects={projects.data ?? []}
                      subsidiaries={subsidiaries.data ?? []}
                      assignees={assignees}
                      opened={editing === key}
                      onOpenedChange={(opened) => setEditing(opened ? key : null)}
                      target={
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
                      }
                    />
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
