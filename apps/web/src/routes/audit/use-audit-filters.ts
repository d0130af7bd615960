import { AUDIT_OUTCOMES, AUDIT_TARGET_TYPES } from '@mg/shared';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { endOfDayIso, startOfDayIso } from '../../lib/format';
import { parseEnum, parseId, useUrlFilters } from '../../lib/search-params';

export const AUDIT_FILTER_PARAMS = [
  'actor',
  'action',
  'type',
  'target',
  'outcome',
  'from',
  'to',
] as const;

/** A calendar day as YYYY-MM-DD, the form the date pickers use and the URL keeps. */
function parseDay(value: string | null): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}$/.test(value) && dayjs(value).isValid() ? value : undefined;
}

export function useAuditFilters() {
  const [params, setFilters] = useUrlFilters();
  const filters = useMemo(
    () => ({
      actorUserId: parseId(params.get('actor')),
      action: params.get('action')?.trim() || undefined,
      targetType: parseEnum(params.get('type'), AUDIT_TARGET_TYPES),
      targetId: parseId(params.get('target')),
      outcome: parseEnum(params.get('outcome'), AUDIT_OUTCOMES),
      fromDay: parseDay(params.get('from')),
      toDay: parseDay(params.get('to')),
    }),
    [params],
  );
  const datesInOrder = !filters.fromDay || !filters.toDay || filters.fromDay <= filters.toDay;
  const active = Object.values(filters).some((value) => value !== undefined);
  const clear = () => setFilters(Object.fromEntries(AUDIT_FILTER_PARAMS.map((key) => [key, null])));
  return { filters, setFilters, datesInOrder, active, clear };
}

export type AuditFilterState = ReturnType<typeof useAuditFilters>;

/** The list query's input: whole local days become instants with the user's offset. */
export function toAuditListInput({ fromDay, toDay, ...rest }: AuditFilterState['filters']) {
  return {
    ...rest,
    from: fromDay ? startOfDayIso(fromDay) : undefined,
    to: toDay ? endOfDayIso(toDay) : undefined,
  };
}
