import {
  LEAD_SORTS,
  LEAD_STATUSES,
  type LeadSort,
  type LeadStatus,
  SORT_DIRECTIONS,
  type SortDirection,
} from './enums';

/**
 * Sort keys as the database stores them (generated columns `name_sort` and `status_rank`
 * in `leads`), so the grid can page by keyset on an index. The SQL expressions live in the
 * schema; these are their twins for tests and cursors.
 */

/** Funnel order, not alphabetical: new first, closed last. */
export const LEAD_STATUS_RANK: Record<LeadStatus, number> = Object.fromEntries(
  LEAD_STATUSES.map((s, i) => [s, i]),
) as Record<LeadStatus, number>;

/**
 * Case-insensitive, with æ ø å after z in Norwegian order: ASCII letters are lower-cased and
 * æ/ø/å become '{', '|', '}' (the three characters after 'z'). Binary comparison of the key
 * then sorts "Ærlig" < "Østby" < "Åse", all after "Zahl".
 */
export function nameSortKey(name: string | null | undefined): string {
  if (!name) return '';
  let out = '';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (code >= 65 && code <= 90) out += String.fromCharCode(code + 32);
    else if (ch === 'æ' || ch === 'Æ') out += '{';
    else if (ch === 'ø' || ch === 'Ø') out += '|';
    else if (ch === 'å' || ch === 'Å') out += '}';
    else out += ch;
  }
  return out;
}

/** Lower-cased e-mail (anonymised: ''), the twin of the generated column `email_sort`. */
export function emailSortKey(email: string | null | undefined): string {
  return email ? email.toLowerCase() : '';
}

/** Sorts whose key is text (A→Z first); the others are dates and ranks. */
export function isTextSort(sort: LeadSort): boolean {
  return sort === 'name' || sort === 'email';
}

/** Sorts by a related row's name (the project's, the assignee's), then received newest first. */
export type LeadGroupSort = 'project' | 'assignee';
export function isGroupSort(sort: LeadSort): sort is LeadGroupSort {
  return sort === 'project' || sort === 'assignee';
}

/**
 * Where a row of a project or assignee sort sits: the group's name key (nameSortKey of the
 * project's or user's name), the group's id (0: no assignee, which sorts last), and the
 * lead's received time; the lead id is the cursor's own. The name travels in the cursor so
 * a rename between two pages cannot make the next page skip or repeat a group.
 */
export type LeadGroupPosition = readonly [nameKey: string, groupId: number, createdAt: number];

/**
 * The direction a column sorts in when first clicked: text A→Z, dates newest first, status
 * in funnel order (new first).
 */
export const LEAD_SORT_FIRST_DIR: Record<LeadSort, SortDirection> = {
  name: 'asc',
  email: 'asc',
  status: 'asc',
  createdAt: 'desc',
  lastActivityAt: 'desc',
  project: 'asc',
  assignee: 'asc',
};

/**
 * The position after a row: its sort value and id, plus the sort it belongs to, so a cursor
 * from another sort is refused instead of silently skipping rows. Opaque to the client.
 */
export interface LeadCursor {
  sort: LeadSort;
  dir: SortDirection;
  value: number | string | LeadGroupPosition;
  id: number;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** UTF-8 bytes via encodeURIComponent: the same in Node and browsers, no DOM or Node types. */
function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  const encoded = encodeURIComponent(text);
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%') {
      bytes.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(encoded.charCodeAt(i));
  }
  return bytes;
}

function toBase64Url(text: string): string {
  const bytes = utf8Bytes(text);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let c = 0; c < chars; c++) out += B64[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

function fromBase64Url(value: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value) || value.length % 4 === 1) return null;
  let hex = '';
  for (let i = 0; i < value.length; i += 4) {
    const chunk = value.slice(i, i + 4);
    let n = 0;
    for (let c = 0; c < 4; c++)
      n = (n << 6) | (c < chunk.length ? B64.indexOf(chunk[c] ?? 'A') : 0);
    const count = chunk.length - 1;
    for (let b = 0; b < count; b++)
      hex += `%${((n >> (16 - 8 * b)) & 255).toString(16).padStart(2, '0')}`;
  }
  try {
    return decodeURIComponent(hex);
  } catch {
    return null;
  }
}

export function encodeLeadCursor(cursor: LeadCursor): string {
  return toBase64Url(JSON.stringify([cursor.sort, cursor.dir, cursor.value, cursor.id]));
}

/** The cursor, or null if it is malformed in any way. */
export function decodeLeadCursor(value: string): LeadCursor | null {
  const text = fromBase64Url(value);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return null;
  const [sort, dir, sortValue, id] = parsed as unknown[];
  if (!(LEAD_SORTS as readonly unknown[]).includes(sort)) return null;
  if (!(SORT_DIRECTIONS as readonly unknown[]).includes(dir)) return null;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return null;
  if (isGroupSort(sort as LeadSort)) {
    if (!isLeadGroupPosition(sortValue)) return null;
    return { sort: sort as LeadSort, dir: dir as SortDirection, value: sortValue, id };
  }
  const textual = isTextSort(sort as LeadSort);
  if (textual ? typeof sortValue !== 'string' : !Number.isSafeInteger(sortValue)) return null;
  return {
    sort: sort as LeadSort,
    dir: dir as SortDirection,
    value: sortValue as number | string,
    id,
  };
}

/** A group position as decodeLeadCursor accepts it. */
export function isLeadGroupPosition(value: unknown): value is LeadGroupPosition {
  if (!Array.isArray(value) || value.length !== 3) return false;
  const [nameKey, groupId, createdAt] = value as unknown[];
  return (
    typeof nameKey === 'string' &&
    nameKey.length <= 1000 &&
    Number.isSafeInteger(groupId) &&
    (groupId as number) >= 0 &&
    Number.isSafeInteger(createdAt)
  );
}
