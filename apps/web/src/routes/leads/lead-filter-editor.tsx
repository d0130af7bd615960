import { Checkbox, Loader, Menu, Popover, Radio, Select, Stack, Text } from '@mantine/core';
import { LEAD_STATUSES, type LeadFilterParams, leadStatusesOf } from '@mg/shared';
import dayjs from 'dayjs';
import { lazy, type ReactElement, type ReactNode, Suspense } from 'react';
import { useTranslation } from '../../lib/use-translation';
import {
  consentsOf,
  type FilterKey,
  fromYesNo,
  isFlagKey,
  LABELS,
  purposeOf,
  yesNo,
} from './lead-filters';

/*
 * The filter bar's menus and editors (lead-filters.tsx), fetched just after the grid's first
 * paint: Menu, Popover, Select, Checkbox and Radio bring floating-ui and the combobox code,
 * which the rows do not need to show (issue 11).
 */

// The calendar (Mantine dates) is fetched when someone opens the date filter, not with the
// grid's first load (issue 11).
const DateRangePicker = lazy(() => import('../../components/lazy/date-range-picker'));

type Named = { id: number; name: string };

export type FilterEditorProps = {
  filterKey: FilterKey;
  filter: LeadFilterParams;
  setFilter: (changes: Partial<LeadFilterParams>) => void;
  projects: Named[];
  subsidiaries: Named[];
  assignees: Named[];
};

function FilterEditor({
  filterKey: key,
  filter,
  setFilter,
  projects,
  subsidiaries,
  assignees,
}: FilterEditorProps): ReactNode {
  const { t } = useTranslation();
  const label = t(LABELS[key]);
  const triData = [
    { value: 'yes', label: t('common.yes') },
    { value: 'no', label: t('common.no') },
  ];
  const consentData = [
    { value: 'yes', label: t('consent.granted') },
    { value: 'no', label: t('consent.notGranted') },
  ];

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
          data={projects.map((p) => ({ value: String(p.id), label: p.name }))}
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
          data={subsidiaries.map((s) => ({ value: String(s.id), label: s.name }))}
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

/** A filter's chip with its editor in a popover under it. */
export function FilterChip({
  target,
  opened,
  onOpenedChange,
  ...editor
}: FilterEditorProps & {
  target: ReactElement;
  opened: boolean;
  onOpenedChange: (opened: boolean) => void;
}) {
  return (
    <Popover
      opened={opened}
      onChange={onOpenedChange}
      position="bottom-start"
      trapFocus
      returnFocus
      shadow="md"
      width={260}
    >
      <Popover.Target>{target}</Popover.Target>
      <Popover.Dropdown>
        <FilterEditor {...editor} />
      </Popover.Dropdown>
    </Popover>
  );
}

/** "+ Filter": the filters that can be added, one at a time. */
export function AddFilterMenu({
  target,
  offered,
  onAdd,
}: {
  target: ReactElement;
  offered: readonly FilterKey[];
  onAdd: (key: FilterKey) => void;
}) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-start" withinPortal shadow="md">
      <Menu.Target>{target}</Menu.Target>
      <Menu.Dropdown>
        {offered.map((key) => (
          <Menu.Item key={key} onClick={() => onAdd(key)}>
            {t(LABELS[key])}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
