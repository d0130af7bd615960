import { Select, SimpleGrid, TextInput } from '@mantine/core';
import { AUDIT_OUTCOMES, AUDIT_TARGET_TYPES } from '@mg/shared';
import { IconCalendar } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { CollapsibleFilters } from '../../components/collapsible-filters';
import { DatePickerInput } from '../../components/dates';
import { ClearFiltersButton } from '../../components/row-buttons';
import { translateOpen } from '../../lib/translate';
import { useTRPC } from '../../lib/trpc';
import { useDebouncedParam } from '../../lib/use-debounced-param';
import { useTranslation } from '../../lib/use-translation';
import type { AuditFilterState } from './use-audit-filters';

function toDay(value: string | null): string | null {
  return value ? dayjs(value).format('YYYY-MM-DD') : null;
}

export function AuditFiltersBar({
  filters,
  setFilters,
  datesInOrder,
  active,
  clear,
}: AuditFilterState) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const actors = useQuery(trpc.audit.actors.queryOptions());
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const [targetId, setTargetId, flushTargetId] = useDebouncedParam(
    filters.targetId ? String(filters.targetId) : '',
    // Half-typed or non-numeric ids stay in the box (marked invalid) and out of the query.
    (target) => {
      if (target === '' || /^\d{1,15}$/.test(target)) setFilters({ target });
    },
  );
  const inUse = Object.values(filters).filter((value) => value !== undefined).length;
  const targetIdValid = targetId.trim() === '' || /^\d{1,15}$/.test(targetId.trim());

  return (
    <search aria-label={t('audit.filters')}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          flushTargetId();
        }}
      >
        <CollapsibleFilters activeCount={inUse}>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <Select
              label={t('audit.actor')}
              placeholder={t('audit.anyActor')}
              searchable
              clearable
              nothingFoundMessage={t('common.nothingFound')}
              data={(actors.data ?? []).map((actor) => ({
                value: String(actor.id),
                label: `${actor.name} (${t(`roles.${actor.role}`)})`,
              }))}
              value={filters.actorUserId ? String(filters.actorUserId) : null}
              onChange={(value) => setFilters({ actor: value })}
            />
            <Select
              label={t('audit.action')}
              placeholder={t('audit.anyAction')}
              searchable
              clearable
              nothingFoundMessage={t('common.nothingFound')}
              data={(actions.data ?? []).map((action) => ({
                value: action,
                label: translateOpen(t, 'auditAction', action),
              }))}
              value={filters.action ?? null}
              onChange={(value) => setFilters({ action: value })}
            />
            <Select
              label={t('audit.targetType')}
              placeholder={t('audit.anyTargetType')}
              clearable
              data={AUDIT_TARGET_TYPES.map((type) => ({
                value: type,
                label: t(`auditTargetType.${type}`),
              }))}
              value={filters.targetType ?? null}
              onChange={(value) => setFilters({ type: value })}
            />
            <TextInput
              label={t('audit.targetId')}
              placeholder={t('audit.targetIdPlaceholder')}
              inputMode="numeric"
              autoComplete="off"
              value={targetId}
              onChange={(event) => setTargetId(event.currentTarget.value)}
              error={targetIdValid ? undefined : t('validation.invalid')}
            />
            <Select
              label={t('audit.outcome')}
              placeholder={t('audit.anyOutcome')}
              clearable
              data={AUDIT_OUTCOMES.map((outcome) => ({
                value: outcome,
                label: t(`auditOutcome.${outcome}`),
              }))}
              value={filters.outcome ?? null}
              onChange={(value) => setFilters({ outcome: value })}
            />
            <DatePickerInput
              label={t('audit.from')}
              placeholder={t('audit.datePlaceholder')}
              valueFormat="L"
              clearable
              leftSection={<IconCalendar aria-hidden size={16} />}
              value={filters.fromDay ?? null}
              maxDate={dayjs().format('YYYY-MM-DD')}
              onChange={(value) => setFilters({ from: toDay(value) })}
            />
            <DatePickerInput
              label={t('audit.to')}
              placeholder={t('audit.datePlaceholder')}
              valueFormat="L"
              clearable
              leftSection={<IconCalendar aria-hidden size={16} />}
              value={filters.toDay ?? null}
              minDate={filters.fromDay}
              onChange={(value) => setFilters({ to: toDay(value) })}
              error={datesInOrder ? undefined : t('validation.dateOrder')}
            />
          </SimpleGrid>
        </CollapsibleFilters>
        {active ? (
          <ClearFiltersButton
            label={t('audit.clearFilters')}
            onClick={() => {
              setTargetId('');
              clear();
            }}
          />
        ) : null}
      </form>
    </search>
  );
}
