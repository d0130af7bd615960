import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  DEFAULT_LEAD_COLUMNS,
  type ExportPurpose,
  LEAD_COLUMNS,
  LEAD_SORTS,
  LEAD_STATUSES,
  type LeadColumn,
  type LeadSort,
  type LeadStatus,
  SORT_DIRECTIONS,
  type SortDirection,
} from './enums';
import type { ValidationKey } from './errors';
// Types only: this module reads the grid's URL on the web app's first load, which must not
// bring zod (inputs.ts) with it (issue 11).
import type { LeadFilter, LeadFilterParams } from './inputs';
import { MAX_DATE, MIN_DATE } from './limits';
import { textProblem } from './validators';

/**
 * The grid's state in the URL, so a view can be shared as a link:
 *
 *   /leads?q=ola&project=3&subsidiary=2&status=new,contacted&consent.marketing_email=yes
 *         &from=2024-01-01&to=2024-03-31&assignee=12|unassigned
 *         &restricted=no&hold=yes&anonymised=no&sort=name&dir=asc&cols=name,email,status
 *
 * Only values that differ from the defaults are written. Reading is forgiving: a value that
 * does not parse is dropped on its own, so an old or hand-edited link still opens.
 */
export interface DroppedField {
  field: string;
  key: ValidationKey;
  params?: Record<string, number>;
}

export interface LeadGridState {
  filter: LeadFilter;
  columns: LeadColumn[];
  /**
   * Filter fields the link carried that could not be used (an out-of-range date, a to date
   * before the from date, junk text), so the page can say so instead of silently showing more.
   */
  dropped?: DroppedField[];
}

/** The grid shows "10 000+" past this: counting further costs time and tells nobody much. */
export const LEAD_COUNT_CAP = 10_000;

const yesNo = (value: boolean) => (value ? 'yes' : 'no');
function readYesNo(value: string | null): boolean | undefined {
  return value === 'yes' ? true : value === 'no' ? false : undefined;
}
function readId(value: string | null): number | undefined {
  if (value === null || !/^[1-9]\d{0,15}$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Statuses a lead is still being worked in: "Mine leads" shows these. */
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'follow_up'];

/** The statuses a filter asks for (any of them), in funnel order; empty means all. */
export function leadStatusesOf(filter: Pick<LeadFilterParams, 'status'>): LeadStatus[] {
  const value = filter.status;
  if (value === undefined) return [];
  const wanted = new Set<string>(Array.isArray(value) ? value : [value]);
  return LEAD_STATUSES.filter((status) => wanted.has(status));
}

/** "Mine leads": assigned to me and still open, with the sort kept. */
export function mineLeadFilter(
  userId: number,
  keep: Pick<LeadFilterParams, 'sort' | 'dir'>,
): LeadFilterParams {
  return { ...keep, assigneeUserId: userId, status: [...OPEN_LEAD_STATUSES] };
}

/** Whether the filter is exactly "Mine leads" for this user (nothing else narrowing it). */
export function isMineLeadFilter(filter: LeadFilterParams, userId: number): boolean {
  const { sort: _s, dir: _d, ...rest } = compactLeadFilter(filter);
  const statuses = leadStatusesOf(filter);
  return (
    Object.keys(rest).length === 2 &&
    rest.assigneeUserId === userId &&
    statuses.length === OPEN_LEAD_STATUSES.length &&
    OPEN_LEAD_STATUSES.every((s) => statuses.includes(s))
  );
}

/** The filter with empty and default values dropped; `consent` folded into `consents`. */
export function compactLeadFilter(filter: LeadFilterParams): LeadFilterParams {
  const out: LeadFilterParams = {};
  const consents = { ...filter.consents };
  if (filter.consent) consents[filter.consent] = true;
  for (const [key, value] of Object.entries(filter) as [keyof LeadFilterParams, unknown][]) {
    if (value === undefined || value === null || value === '') continue;
    if (key === 'consent' || key === 'consents') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (key === 'sort' && value === 'createdAt') continue;
    if (key === 'dir' && value === 'desc') continue;
    (out as Record<string, unknown>)[key] = value;
  }
  if (Object.keys(consents).length > 0) out.consents = consents;
  return out;
}

/** Anything with URLSearchParams' get(): URLSearchParams itself, react-router's params. */
export interface SearchParamsLike {
  get(name: string): string | null;
}

/** Search params in a stable order; pass to `new URLSearchParams()` or `setSearchParams()`. */
export function leadGridToSearchParams(state: {
  filter: LeadFilterParams;
  columns?: readonly LeadColumn[];
}): Record<string, string> {
  const f = compactLeadFilter(state.filter);
  const out: Record<string, string> = {};
  const p = {
    set(key: string, value: string) {
      out[key] = value;
    },
  };
  if (f.search) p.set('q', f.search);
  if (f.projectId) p.set('project', String(f.projectId));
  if (f.subsidiaryId) p.set('subsidiary', String(f.subsidiaryId));
  const statuses = leadStatusesOf(f);
  if (statuses.length > 0) p.set('status', statuses.join(','));
  for (const purpose of CONSENT_PURPOSES) {
    const granted = f.consents?.[purpose];
    if (granted !== undefined) p.set(`consent.${purpose}`, yesNo(granted));
  }
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.assigneeUserId !== undefined) p.set('assignee', String(f.assigneeUserId));
  if (f.restricted !== undefined) p.set('restricted', yesNo(f.restricted));
  if (f.legalHold !== undefined) p.set('hold', yesNo(f.legalHold));
  if (f.anonymised !== undefined) p.set('anonymised', yesNo(f.anonymised));
  if (f.sort) p.set('sort', f.sort);
  if (f.dir) p.set('dir', f.dir);
  const columns = state.columns ?? DEFAULT_LEAD_COLUMNS;
  if (columns.join(',') !== DEFAULT_LEAD_COLUMNS.join(',')) p.set('cols', columns.join(','));
  return out;
}

/** Parse a query string (with or without the leading '?'). */
export function parseQueryString(query: string): SearchParamsLike {
  const values = new Map<string, string>();
  for (const part of query.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const [key = '', value = ''] = part.split('=', 2).map((s) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return '';
      }
    });
    if (!values.has(key)) values.set(key, value);
  }
  return { get: (name) => values.get(name) ?? null };
}

/** Encode search params as a query string (no leading '?'). */
export function toQueryString(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}

/** Longest search text the grid's filter takes (leadFilterSchema's `search`). */
export const LEAD_SEARCH_MAX = 200;

type FieldCheck = { value: unknown } | { error: Omit<DroppedField, 'field'> };

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A real calendar day (no 2023-02-29) inside the dates the API takes. */
function checkDay(value: string): FieldCheck {
  const match = ISO_DAY.exec(value);
  const [year, month, day] = (match?.slice(1) ?? []).map(Number);
  if (year === undefined || month === undefined || day === undefined)
    return { error: { key: 'invalid' } };
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return { error: { key: 'invalid' } };
  if (value < MIN_DATE || value > MAX_DATE) return { error: { key: 'dateOutOfRange' } };
  return { value };
}

function oneOf<T extends string>(allowed: readonly T[], value: string): FieldCheck {
  return (allowed as readonly string[]).includes(value) ? { value } : { error: { key: 'invalid' } };
}

/**
 * One field of the URL checked as `leadFilterSchema` checks it (inputs.ts), with the first
 * message it would give. Written out rather than run through zod so the grid's URL can be
 * read on a first load without zod; lead-grid.test.ts holds the two to the same answers.
 */
function checkField(key: string, value: unknown): FieldCheck {
  switch (key) {
    case 'search': {
      const text = String(value).trim();
      if (text.length > LEAD_SEARCH_MAX)
        return { error: { key: 'tooLong', params: { max: LEAD_SEARCH_MAX } } };
      const problem = textProblem(text);
      return problem ? { error: { key: problem } } : { value: text };
    }
    case 'status': {
      const list = value as string[];
      if (list.some((status) => !(LEAD_STATUSES as readonly string[]).includes(status)))
        return { error: { key: 'invalid' } };
      if (list.length > LEAD_STATUSES.length) return { error: { key: 'invalid' } };
      const wanted = new Set<string>(list);
      return { value: LEAD_STATUSES.filter((status) => wanted.has(status)) };
    }
    case 'from':
    case 'to':
      return checkDay(value as string);
    case 'sort':
      return oneOf(LEAD_SORTS, value as string);
    case 'dir':
      return oneOf(SORT_DIRECTIONS, value as string);
    default:
      // Ids, yes/no flags and consents were read into their types already (or left out).
      return { value };
  }
}

/**
 * Rows per grid page: the page asks for this many, and the server reads the same first page
 * into a cold page load's HTML (apps/api/src/lib/spa-shell.ts), under the same query key.
 */
export const LEAD_GRID_PAGE_SIZE = 50;

export function leadGridFromSearchParams(p: SearchParamsLike): LeadGridState {
  const raw: Record<string, unknown> = {
    search: p.get('q') ?? undefined,
    projectId: readId(p.get('project')),
    subsidiaryId: readId(p.get('subsidiary')),
    status: p.get('status')?.split(',') ?? undefined,
    from: p.get('from') ?? undefined,
    to: p.get('to') ?? undefined,
    assigneeUserId: p.get('assignee') === 'unassigned' ? 'unassigned' : readId(p.get('assignee')),
    restricted: readYesNo(p.get('restricted')),
    legalHold: readYesNo(p.get('hold')),
    anonymised: readYesNo(p.get('anonymised')),
    sort: p.get('sort') ?? undefined,
    dir: p.get('dir') ?? undefined,
  };
  const consents: Partial<Record<ConsentPurpose, boolean>> = {};
  for (const purpose of CONSENT_PURPOSES) {
    const granted = readYesNo(p.get(`consent.${purpose}`));
    if (granted !== undefined) consents[purpose] = granted;
  }
  // Drop whatever does not validate, field by field; then the pair rule (to >= from).
  const dropped: DroppedField[] = [];
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const checked = checkField(key, value);
    if ('error' in checked) dropped.push({ field: key, ...checked.error });
    else filter[key] = checked.value;
  }
  if (Object.keys(consents).length > 0) filter.consents = consents;
  if (typeof filter.from === 'string' && typeof filter.to === 'string' && filter.to < filter.from) {
    delete filter.to;
    dropped.push({ field: 'to', key: 'dateOrder' });
  }
  return {
    filter: {
      ...filter,
      sort: (filter.sort as LeadSort | undefined) ?? 'createdAt',
      dir: (filter.dir as SortDirection | undefined) ?? 'desc',
    } as LeadFilter,
    columns: readColumns(p.get('cols')),
    ...(dropped.length > 0 ? { dropped } : {}),
  };
}

function readColumns(value: string | null): LeadColumn[] {
  const known = new Set<string>(LEAD_COLUMNS);
  const cols = (value ?? '')
    .split(',')
    .filter((c, i, all) => known.has(c) && all.indexOf(c) === i) as LeadColumn[];
  return cols.length > 0 ? cols : [...DEFAULT_LEAD_COLUMNS];
}

/**
 * The export link for exactly what the grid shows: CSV (the default) or .xlsx, with headers
 * and labels in the given language (Norwegian when left out).
 */
export function leadExportPath(
  filter: LeadFilterParams,
  columns: readonly LeadColumn[],
  purpose: ExportPurpose,
  options: { format?: 'csv' | 'xlsx'; lang?: 'nb' | 'en' } = {},
): string {
  const query = toQueryString({
    filter: JSON.stringify(compactLeadFilter(filter)),
    columns: columns.join(','),
    purpose,
    ...(options.lang ? { lang: options.lang } : {}),
  });
  return `/api/exports/leads.${options.format ?? 'csv'}?${query}`;
}
