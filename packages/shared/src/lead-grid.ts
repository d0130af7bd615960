import {
  CONSENT_PURPOSES,
  DEFAULT_LEAD_COLUMNS,
  type ExportPurpose,
  LEAD_COLUMNS,
  LEAD_STATUSES,
  type LeadColumn,
  type LeadStatus,
} from './enums';
import { toFieldErrors, type ValidationKey } from './errors';
import { type LeadFilter, type LeadFilterParams, leadFilterSchema } from './inputs';

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
  const consents: Record<string, boolean> = {};
  for (const purpose of CONSENT_PURPOSES) {
    const granted = readYesNo(p.get(`consent.${purpose}`));
    if (granted !== undefined) consents[purpose] = granted;
  }
  if (Object.keys(consents).length > 0) raw.consents = consents;
  // Drop whatever does not validate, field by field; then the pair rule (to >= from).
  const dropped: DroppedField[] = [];
  for (const key of Object.keys(raw)) {
    if (raw[key] === undefined) continue;
    const single = leadFilterSchema.safeParse({ [key]: raw[key] });
    if (!single.success) {
      delete raw[key];
      dropped.push({ field: key, ...firstError(single.error.issues) });
    }
  }
  let parsed = leadFilterSchema.safeParse(raw);
  if (!parsed.success) {
    delete raw.to;
    dropped.push({ field: 'to', ...firstError(parsed.error.issues) });
    parsed = leadFilterSchema.safeParse(raw);
  }
  const filter = parsed.success ? parsed.data : leadFilterSchema.parse({});
  const known = new Set<string>(LEAD_COLUMNS);
  const cols = (p.get('cols') ?? '')
    .split(',')
    .filter((c, i, all) => known.has(c) && all.indexOf(c) === i) as LeadColumn[];
  return {
    filter,
    columns: cols.length > 0 ? cols : [...DEFAULT_LEAD_COLUMNS],
    ...(dropped.length > 0 ? { dropped } : {}),
  };
}

function firstError(issues: Parameters<typeof toFieldErrors>[0]) {
  return Object.values(toFieldErrors(issues))[0]?.[0] ?? { key: 'invalid' as const };
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
