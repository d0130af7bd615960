/**
 * Verifying the access log's chain and target rows (decisions 002, 006, 016). Only
 * node:crypto and a better-sqlite3 connection: a worker thread that checks a range loads this
 * module and the driver, not drizzle or the app (which cost ~0.4 s of CPU per thread to load).
 * The drizzle-facing wrappers are in audit.ts.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
// A type only: this module must not load drizzle at run time.
import type { Conn } from './client';
import { openReadOnly } from './read-only';

export const GENESIS_HASH = '0'.repeat(64);

export type BrokenReason = 'sequence' | 'chain' | 'hash' | 'targets';

/** The newest entry: what an anchor signs. */
export interface ChainHead {
  id: number;
  hash: string;
  at: number;
}

/** Where a check starts: after an entry whose hash is known (an anchor), or at the start. */
export interface VerifyFrom {
  id: number;
  hash: string;
}

interface VerifyCommon {
  /** First and last entry id checked (toId < fromId when there was nothing to check). */
  fromId: number;
  toId: number;
  checked: number;
  /** The newest entry when the check started; entries written during the check wait for the next. */
  head: ChainHead | null;
}

export type VerifyResult =
  | (VerifyCommon & { ok: true })
  | (VerifyCommon & { ok: false; firstBrokenId: number; reason: BrokenReason });

/** What better-sqlite3 gives for a statement: enough for the raw reads below. */
export interface RawStatement {
  run(...params: unknown[]): unknown;
  raw(on: boolean): RawStatement;
  pluck(on: boolean): RawStatement;
  all(...params: unknown[]): unknown[][];
  get(...params: unknown[]): unknown[] | undefined;
}
/** A better-sqlite3 connection, as far as the check uses it. */
export interface RawClient {
  prepare(source: string): RawStatement;
}

const ENTRY_CHUNK = 20_000;
const TARGET_CHUNK = 50_000;

/** Entries read at a time: by the chain's fast path, and by the target rows' comparison. */
export interface VerifyChunks {
  /** Small, so each batch of row strings dies young in V8 (20,000 cost ~40 % more CPU). */
  chain: number;
  targets: number;
}
const DEFAULT_CHUNKS: VerifyChunks = { chain: 2_000, targets: ENTRY_CHUNK };

/*
 * SQLite builds the canonical JSON (the same array hashEntry builds) in C: about three times
 * faster than reading sixteen columns into JS objects and stringifying them. Its JSON matches
 * JSON.stringify for every text tried (quotes, control characters, NUL, emoji, U+2028; see
 * the tests); should it ever differ, the entry is re-hashed the JS way before it is called
 * broken, so the fast path can only make verification faster, never wrong.
 *
 * Version 1 entries (targets_after null) hash fifteen fields; version 2 (decision 035) add
 * targets_after. Which one an entry is follows from its own column, so clearing it on a
 * version 2 entry (or setting it on a version 1 entry) changes the text hashed: the hash no
 * longer holds.
 */
/** The columns a version 1 entry hashes, in order (version 2 adds targets_after). */
export const HASHED_FIELDS = [
  'id',
  'prev_hash',
  'at',
  'actor_user_id',
  'actor_role',
  'action',
  'purpose',
  'target_type',
  'target_ids',
  'target_count',
  'outcome',
  'request_id',
  'ip',
  'user_agent',
  'detail',
] as const;
const FIELDS = (e: string) => HASHED_FIELDS.map((c) => e + c).join(', ');
const CANONICAL = (e: string) =>
  `case when ${e}targets_after is null then json_array(${FIELDS(e)})
    else json_array(${FIELDS(e)}, ${e}targets_after) end`;
const ENTRIES_SQL = `select id, prev_hash, hash, ${CANONICAL('')}
  from access_log where id > ? and id <= ? order by id limit ${ENTRY_CHUNK}`;
/*
 * A version 2 entry's target rows, found by rowid (they are the target_count rows after
 * targets_after) and compared inside SQLite: '' when each of them belongs to this entry and
 * has its type, and their ids, as a JSON array, are target_ids; '!' otherwise. Rows of another
 * entry or type drop out of the list, so it no longer equals the hashed target_ids.
 * (Decision 026 rebuilt every block's rows as text on both sides; one seek per entry and its
 * own rows cost less: decision 035.)
 *
 * json_group_array, not '[' || group_concat || ']' with a typeof() per row (decision 044:
 * ~1 µs less per entry): an integer reads the same either way, and any other storage class
 * reads as JSON that needs a character no list of integers holds (text "quoted", a real
 * always with a '.', null as null; a blob makes the statement fail, and walkChainFast walks
 * the batch). V2_BLOCK_SQL vouches for a block only when no target_ids in it holds a quote, a
 * '.' or an 'n', so a list equal to one of those is a list of integer rows: what the typeof()
 * per row made sure of. (Three LIKEs per entry cost ~0.25 µs; a GLOB with a character class,
 * ~1 µs, would have eaten the gain.)
 */
const V2_TARGETS = `iif(e.targets_after is not null and e.target_count > 0
    and e.target_type is not null and e.target_ids is not null,
  iif((select count(*) = e.target_count and json_group_array(t.target_id) = e.target_ids
       from access_log_targets t not indexed
       where t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
         and t.entry_id = e.id and t.target_type = e.target_type), '', '!'),
  '')`;
/*
 * The fast path: one string per entry, its canonical JSON followed by its stored hash (and,
 * for a version 2 entry whose target rows do not hold, a '!' after it, so the hash at the
 * end no longer matches), so better-sqlite3 builds neither a row array nor more than one JS
 * string per entry (reading id, prev_hash and hash as values of their own cost more than
 * hashing). The id is checked for the whole batch (as many rows as ids in the span: ids are
 * unique integers), the link inside the JSON text (the previous hash is its second element),
 * the hash at its end. A batch where anything differs is walked again by ENTRIES_SQL, which
 * names the entry and why.
 */
const CHAIN_SQL = `select ${CANONICAL('e.')} || e.hash || ${V2_TARGETS}
  from access_log e where e.id > ? and e.id <= ? order by e.id`;
const ENTRY_FIELDS_SQL = `select ${FIELDS('')}, targets_after from access_log where id = ?`;
/*
 * What the version 2 entries of a block vouch for together: their rows (each entry's own
 * checked by CHAIN_SQL) lie in the block's first..last rowid span, disjoint (a row has one
 * entry id), and as many as the span is long: they are the span, row for row, and nothing
 * else is in it. Any version 1 entry with rows, or an id list that can name other than
 * integers (see V2_TARGETS), sends the block the old way.
 */
const V2_BLOCK_SQL = `select count(*), sum(target_count), min(targets_after),
    max(targets_after + target_count), sum(targets_after is null),
    sum(target_ids like '%"%' or target_ids like '%.%' or target_ids like '%n%')
  from access_log
  where id > ? and id <= ? and target_type is not null and target_ids is not null and target_count > 0`;
const TARGETS_SQL = `select rowid, entry_id, target_type, target_id from access_log_targets
  where rowid > ? order by rowid limit ${TARGET_CHUNK}`;

/** The newest entry, or null for an empty log. */
export function readChainHead(client: RawClient): ChainHead | null {
  const row = client
    .prepare('select id, hash, at from access_log order by id desc limit 1')
    .raw(true)
    .get();
  return row ? { id: row[0] as number, hash: row[1] as string, at: row[2] as number } : null;
}

/** The entry with this id, as (id, hash, at), or null. */
export function readEntryHash(client: RawClient, id: number): ChainHead | null {
  const row = client.prepare('select id, hash, at from access_log where id = ?').raw(true).get(id);
  return row ? { id: row[0] as number, hash: row[1] as string, at: row[2] as number } : null;
}

/**
 * Re-hash one entry from its fields the way appendAccessLog did: hashEntry (audit.ts) hashes
 * JSON.stringify of the same fields in the same order as ENTRY_FIELDS_SQL selects them (a test
 * holds the two to each other), so the raw row is that array already.
 */
export function hashStoredEntry(client: RawClient, id: number): string | null {
  const r = client.prepare(ENTRY_FIELDS_SQL).raw(true).get(id);
  if (!r) return null;
  // Version 1 (targets_after null): the fifteen fields only.
  const fields = r[15] === null ? r.slice(0, 15) : r;
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * The first target row (in insertion order) that belongs to an entry after `entryId`. Target
 * rows are written right after their entry, so entry ids grow with the rowid: a binary search
 * finds where an incremental check starts. (On a tampered table the search may land
 * anywhere; the walk from there still reports any row out of place, and a full check covers
 * the rest.)
 */
function targetRowidAfter(client: RawClient, entryId: number): number {
  if (entryId <= 0) return 0;
  // Two statements, not `select min(rowid), max(rowid)`: SQLite seeks to one end of the
  // table only for a lone min() or max(); both in one query scan every row (5.4 million at a
  // million entries: about a second of each worker thread's CPU, before it checked anything).
  const bound = (sql: string) => (client.prepare(sql).raw(true).get()?.[0] as number | null) ?? 0;
  let lo = bound('select min(rowid) from access_log_targets');
  let hi = bound('select max(rowid) from access_log_targets');
  if (hi === 0) return 0;
  const at = client.prepare(
    'select rowid, entry_id from access_log_targets where rowid >= ? order by rowid limit 1',
  );
  at.raw(true);
  // Find the smallest rowid whose entry id is greater than entryId; answer the rowid before it.
  let answer = hi;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = at.get(mid);
    if (!row) {
      hi = mid - 1;
      continue;
    }
    if ((row[1] as number) > entryId) {
      answer = Math.min(answer, (row[0] as number) - 1);
      hi = mid - 1;
    } else lo = (row[0] as number) + 1;
  }
  const last = at.get(answer + 1);
  // Every row belongs to entryId or earlier: start after the last one.
  if (last && (last[1] as number) <= entryId) return last[0] as number;
  return answer;
}

/**
 * Walk the chain from `from` (an anchored entry) or from the start, up to the head as it was
 * when the walk began (or `upTo`), and report the first entry that does not hold: a gap in the
 * ids (sequence), a link to the wrong previous hash (chain), a hash that does not match its
 * fields (hash), or target rows that do not match the entry's target ids (targets: rows
 * deleted, changed, added or moved). Reads in chunks with raw prepared statements, so a long
 * log is never held in memory and no row objects are built.
 */
export function verifyLog(client: RawClient, options: VerifyOptions = {}): VerifyResult {
  // One read snapshot for the whole walk: entries (and their target rows) appended by the
  // running app meanwhile are neither half seen nor taken for rows added after the head.
  // A savepoint opens a transaction when there is none, and nests inside one when there is.
  client.prepare('savepoint verify_access_log').run();
  try {
    return verifyInSnapshot(client, options);
  } finally {
    client.prepare('release verify_access_log').run();
  }
}

export interface VerifyOptions {
  from?: VerifyFrom | null;
  upTo?: number;
  chunks?: VerifyChunks;
}

function verifyInSnapshot(client: RawClient, options: VerifyOptions): VerifyResult {
  const head = readChainHead(client);
  const start = options.from ?? null;
  const fromId = (start?.id ?? 0) + 1;
  const toId = Math.min(options.upTo ?? Number.MAX_SAFE_INTEGER, head?.id ?? 0);
  const range = checkRange(client, {
    fromId,
    toId,
    startHash: start?.hash ?? GENESIS_HASH,
    startRowid: null,
    chunks: options.chunks,
  });
  const tailToo = range.chainBroken === null && toId === (head?.id ?? 0);
  return mergeRanges({ fromId, toId, head }, [range], tailToo ? strayTargetRows(client) : null);
}

/** One stretch of the log, checked on its own (see checkRange). */
export interface RangeCheck {
  fromId: number;
  toId: number;
  /** Entries walked without a break in the chain. */
  checked: number;
  /** The first entry whose id, link or hash does not hold, within the range. */
  chainBroken: { id: number; reason: BrokenReason } | null;
  /** The first entry, before chainBroken, whose target rows do not match. */
  targetsBroken: number | null;
  /** The target rows compared: those after startRowid, up to and with endRowid. */
  startRowid: number;
  endRowid: number;
}

export interface RangeInput {
  fromId: number;
  toId: number;
  /** The hash the first entry must link to: the stored hash of entry fromId - 1. */
  startHash: string;
  /**
   * The last target row before this range's rows, or null to find it (0 from the start, by
   * a binary search otherwise).
   */
  startRowid: number | null;
  /** Batch sizes (tests make them small to put tampering on both sides of a batch's edge). */
  chunks?: VerifyChunks;
}

/**
 * Check entries fromId..toId: ids, links, hashes, and their target rows (up to the first
 * entry the chain refuses). Ranges are independent, so a long log can be split over threads;
 * mergeRanges joins the answers and finds the same first broken entry a single walk would.
 */
function checkRange(client: RawClient, input: RangeInput): RangeCheck {
  const { fromId, toId } = input;
  const chunks = input.chunks ?? DEFAULT_CHUNKS;
  const startRowid = input.startRowid ?? targetRowidAfter(client, fromId - 1);
  // A block of entries at a time: its chain, then its target rows, so the second read of the
  // block's entries finds their pages in SQLite's page cache instead of asking the OS again.
  // The verdict is the one of chain-then-targets over the whole range: target rows count up
  // to the first entry the chain refuses, and a broken target row before it decides.
  let prevHash = input.startHash;
  let checked = 0;
  let rowid = startRowid;
  const block = Math.max(1, chunks.targets);
  const v2Block = client.prepare(V2_BLOCK_SQL);
  v2Block.raw(true);
  for (let a = fromId - 1; a < toId; a += block) {
    const b = Math.min(a + block, toId);
    const chain = walkChainFast(client, prevHash, a + 1, b, chunks.chain);
    checked += chain.checked;
    // Target rows are checked up to the first entry the chain already refuses.
    const targetsUpTo = chain.broken ? chain.broken.id - 1 : b;
    // Version 2 entries whose rows the chain's fast path checked (decision 035); otherwise,
    // or when they do not tile the span, the block's rows are compared the old way.
    const v2 = chain.vouched && !chain.broken ? v2BlockEnd(v2Block, a, b, rowid) : null;
    const targets =
      v2 !== null
        ? { broken: null, rowid: v2 }
        : checkTargets(client, a + 1, targetsUpTo, rowid, chunks.targets);
    rowid = targets.rowid;
    if (targets.broken !== null || chain.broken)
      return {
        fromId,
        toId,
        checked,
        chainBroken: chain.broken,
        targetsBroken: targets.broken,
        startRowid,
        endRowid: rowid,
      };
    prevHash = chain.lastHash;
  }
  return {
    fromId,
    toId,
    checked,
    chainBroken: null,
    targetsBroken: null,
    startRowid,
    endRowid: rowid,
  };
}

/**
 * The last target row of entries (a, b] when every entry there that calls for rows is a
 * version 2 entry and their spans, each checked by the chain's fast path, tile the rowids
 * right after `rowid`: then they are exactly the rows the old comparison would read, and each
 * matches. Null when not (the old comparison decides).
 */
function v2BlockEnd(statement: RawStatement, a: number, b: number, rowid: number): number | null {
  const [entries, rows, first, end, v1, notIntegers] = statement.get(a, b) ?? [];
  // No entry here calls for rows: as on the old way, rows of these entries (if any) are
  // found by the next block's comparison or by the look for stray rows after the head.
  if (entries === 0) return rowid;
  // An id list that can name other than integers: CHAIN_SQL's list may have matched rows
  // of another storage class (see V2_TARGETS), which the old comparison refuses.
  if (notIntegers !== 0) return null;
  if (v1 !== 0 || typeof rows !== 'number' || !Number.isSafeInteger(rows)) return null;
  return first === rowid && end === rowid + rows ? rowid + rows : null;
}

/** Check one range on its own snapshot (what a worker thread runs, on its own connection). */
export function verifyRange(client: RawClient, input: RangeInput): RangeCheck {
  client.prepare('savepoint verify_access_log_range').run();
  try {
    return checkRange(client, input);
  } finally {
    client.prepare('release verify_access_log_range').run();
  }
}

/**
 * Check one range of the log in a database file, on a read-only connection of its own (what
 * a worker thread runs). None of openDatabase's pragmas for writers apply to a reader;
 * busy_timeout is the app's.
 */
export function verifyRangeInFile(file: string, input: RangeInput): RangeCheck {
  const sqlite = openReadOnly(file);
  try {
    return verifyRange(sqlite, input);
  } finally {
    sqlite.close();
  }
}

/** The entry of the first target row after `rowid` (a row after the head's own is stray). */
export function strayTargetRows(client: RawClient): (rowid: number) => number | null {
  const statement = client
    .prepare('select entry_id from access_log_targets where rowid > ? order by rowid limit 1')
    .raw(true);
  return (rowid) => {
    const row = statement.get(rowid);
    return row ? (row[0] as number) : null;
  };
}

/**
 * The verdict of consecutive ranges covering fromId..toId, in order: the first range with a
 * broken target row or chain decides, exactly as one walk from fromId would. Each range
 * after the first must have started at the target row where the one before ended (always so
 * on an intact table; a tampered one can mislead the binary search): `recheck` is asked for
 * a range that did not, from the right row. `stray` looks for rows after the head's own.
 */
export function mergeRanges(
  span: { fromId: number; toId: number; head: ChainHead | null },
  ranges: readonly RangeCheck[],
  stray: ((rowid: number) => number | null) | null,
  recheck?: (range: RangeCheck, startRowid: number) => RangeCheck,
): VerifyResult {
  const { fromId, toId, head } = span;
  let checked = 0;
  let broken: { id: number; reason: BrokenReason } | null = null;
  let rowid: number | null = null;
  for (const given of ranges) {
    const range: RangeCheck =
      rowid !== null && given.startRowid !== rowid ? recheckOrThrow(recheck, given, rowid) : given;
    checked += range.checked;
    if (range.targetsBroken !== null) {
      broken = { id: range.targetsBroken, reason: 'targets' };
      break;
    }
    if (range.chainBroken) {
      broken = range.chainBroken;
      break;
    }
    rowid = range.endRowid;
  }
  if (!broken && stray && rowid !== null) {
    // Rows after the last entry's own: added for entries that do not have them.
    const entry = stray(rowid);
    if (entry !== null) broken = { id: Math.min(entry, toId + 1), reason: 'targets' };
  }
  if (!broken) return { ok: true, fromId, toId, checked, head };
  return {
    ok: false,
    fromId,
    toId,
    checked: Math.max(0, broken.id - fromId),
    head,
    firstBrokenId: broken.id,
    reason: broken.reason,
  };
}

function recheckOrThrow(
  recheck: ((range: RangeCheck, startRowid: number) => RangeCheck) | undefined,
  range: RangeCheck,
  startRowid: number,
): RangeCheck {
  if (!recheck) throw new Error('access-log ranges do not join and no recheck was given');
  return recheck(range, startRowid);
}

/**
 * Ids, links and hashes of entries fromId..toId after startHash, a batch at a time: the fast
 * path decides only that a batch holds; any batch it does not vouch for is walked entry by
 * entry (walkChain), so the answer is always the walk's.
 */
function walkChainFast(
  client: RawClient,
  startHash: string,
  fromId: number,
  toId: number,
  chunk: number,
): {
  checked: number;
  lastHash: string;
  broken: { id: number; reason: BrokenReason } | null;
  /** Every batch held on the fast path, so every version 2 entry's own target rows hold. */
  vouched: boolean;
} {
  const fast = client.prepare(CHAIN_SQL);
  fast.pluck(true);
  let prevHash = startHash;
  let checked = 0;
  let vouched = true;
  for (let a = fromId - 1; a < toId; a += chunk) {
    const b = Math.min(a + chunk, toId);
    const rows = readBatch(fast, a, b);
    const last = rows && rows.length === b - a ? batchHolds(rows, a + 1, prevHash) : null;
    if (last !== null) {
      prevHash = last;
      checked += b - a;
      continue;
    }
    vouched = false;
    const walked = walkChain(client, prevHash, a + 1, b);
    checked += walked.checked;
    if (walked.broken) return { checked, lastHash: prevHash, broken: walked.broken, vouched };
    prevHash = walked.lastHash;
  }
  return { checked, lastHash: prevHash, broken: null, vouched };
}

/** A batch's strings, or null when SQLite refuses them (a blob target id: see V2_TARGETS). */
function readBatch(statement: RawStatement, a: number, b: number): unknown[] | null {
  try {
    return statement.all(a, b);
  } catch {
    return null;
  }
}

const QUOTE = 34;
const HASH_LENGTH = 64;

/**
 * The fast path over one batch: entries firstId, firstId + 1, … (all there), each read as
 * `[<id>,"<prev_hash>",…]<hash>`. Returns the last entry's hash when every link and hash
 * holds, or null (then the batch is walked entry by entry). A stored hash of another length
 * would make the split at 64 characters wrong; the digest then differs and the walk decides.
 */
function batchHolds(rows: unknown[], firstId: number, startHash: string): string | null {
  if (startHash.length !== HASH_LENGTH) return null;
  let prev = startHash;
  let id = firstId;
  let digits = String(id).length;
  let nextPower = 10 ** digits;
  for (const row of rows) {
    if (typeof row !== 'string') return null;
    if (id >= nextPower) {
      digits++;
      nextPower *= 10;
    }
    // The previous hash starts after `[<id>,"` and is followed by the closing quote.
    const at = digits + 3;
    if (!row.startsWith(prev, at) || row.charCodeAt(at + HASH_LENGTH) !== QUOTE) return null;
    const digest = oneShotHash('sha256', row.slice(0, row.length - HASH_LENGTH));
    if (!row.endsWith(digest)) return null;
    prev = digest;
    id++;
  }
  return prev;
}

/** Ids, links and hashes of entries fromId..toId after startHash, entry by entry. */
function walkChain(client: RawClient, startHash: string, fromId: number, toId: number) {
  const entries = client.prepare(ENTRIES_SQL);
  entries.raw(true);
  let prevHash = startHash;
  let expectedId = fromId;
  let after = fromId - 1;
  let checked = 0;
  const stop = (id: number, reason: BrokenReason) => ({
    checked,
    lastHash: prevHash,
    broken: { id, reason },
  });
  while (after < toId) {
    const rows = entries.all(after, toId);
    if (rows.length === 0) break;
    for (const r of rows) {
      const id = r[0] as number;
      const hash = r[2] as string;
      if (id !== expectedId) return stop(expectedId, 'sequence');
      if (r[1] !== prevHash) return stop(id, 'chain');
      if (oneShotHash('sha256', r[3] as string) !== hash && hashStoredEntry(client, id) !== hash)
        return stop(id, 'hash');
      prevHash = hash;
      expectedId++;
      checked++;
      after = id;
    }
  }
  if (checked < toId - fromId + 1) return stop(expectedId, 'sequence');
  return { checked, lastHash: prevHash, broken: null };
}

/*
 * Target rows, a batch of entries at a time, compared inside SQLite: the rows the entries'
 * target ids call for, and the rows that follow in insertion order, each as one string of
 * `<entry> <type> <target>` joined by commas. Only a batch that differs is walked row by row
 * in JS (walkTargets) to find its first broken entry.
 *
 * The expected string is built per entry, not per target: each comma of the entry's id list
 * becomes `,<entry> <type> ` (json_each per id cost twice as much). That split is text-based,
 * so equal strings must also mean equal rows; what makes sure of it:
 * - `odd`: an entry whose type holds a comma, or whose id list holds a space or is not in
 *   brackets, is walked (genuine lists are JSON.stringify of integer ids);
 * - the expected string has one comma fewer than the rows called for, and as many rows were
 *   read: no row's text holds a comma of its own, so rows and expected targets pair up;
 * - `ints`: SQLite's sum() stays an integer only when every value is one, so no text, real or
 *   blob entry or target id passes for the digits it prints (the walk refuses those too).
 * Then row k's text is the k-th expected `<entry> <type> <target>`; its entry and target are
 * integers without spaces, so its type is the entry's type (spaces in it or not): the walk's
 * verdict. Each of these checks has a test with the tampering that only it catches.
 */
const EXPECTED_TARGETS_SQL = `select sum(target_count),
    group_concat(id || ' ' || target_type || ' ' ||
      replace(substr(target_ids, 2, length(target_ids) - 2), ',', ',' || id || ' ' || target_type || ' '),
      ','),
    sum(instr(target_type, ',') or instr(target_ids, ' ')
      or unicode(target_ids) <> 91 or substr(target_ids, -1) <> ']')
  from access_log
  where id > ? and id <= ? and target_type is not null and target_ids is not null and target_count > 0`;
const ACTUAL_TARGETS = `count(*), max(rowid),
    group_concat(entry_id || ' ' || target_type || ' ' || target_id, ','),
    typeof(sum(entry_id)) = 'integer' and typeof(sum(target_id)) = 'integer'`;
/*
 * The rows in a span of rowids: rowids are unique integers, so n rows in a span of n are the
 * next n rows in insertion order. A plain range is about 10 % cheaper than `order by rowid
 * limit n` (a subquery SQLite runs as a co-routine, a step more per row).
 */
const ACTUAL_TARGETS_IN_SPAN_SQL = `select ${ACTUAL_TARGETS} from access_log_targets
  where rowid > ? and rowid <= ?`;
/** The next n rows when the span had gaps (appends make none; a rebuilt table might). */
const ACTUAL_TARGETS_SQL = `select ${ACTUAL_TARGETS}
  from (select rowid, entry_id, target_type, target_id from access_log_targets
        where rowid > ? order by rowid limit ?)`;

/** The first entry in fromId..upTo whose target rows do not match (or null), and the last row read. */
function checkTargets(
  client: RawClient,
  fromId: number,
  upTo: number,
  startRowid: number,
  chunk: number,
): { broken: number | null; rowid: number } {
  const expected = client.prepare(EXPECTED_TARGETS_SQL);
  expected.raw(true);
  const inSpan = client.prepare(ACTUAL_TARGETS_IN_SPAN_SQL);
  inSpan.raw(true);
  const actual = client.prepare(ACTUAL_TARGETS_SQL);
  actual.raw(true);
  let rowid = startRowid;
  for (let a = fromId - 1; a < upTo; a += chunk) {
    const b = Math.min(a + chunk, upTo);
    const [wantN, want, odd] = expected.get(a, b) ?? [];
    // No entry here calls for rows: rows of these entries, if any, are found by the next
    // batch's comparison or by the look for stray rows after the head.
    if (wantN === null || wantN === undefined) continue;
    if (odd === 0 && typeof wantN === 'number' && Number.isSafeInteger(wantN) && wantN > 0) {
      let read = readActualTargets(inSpan, rowid, rowid + wantN);
      if (read[0] !== wantN) read = readActualTargets(actual, rowid, wantN);
      const [haveN, last, have, ints] = read;
      if (haveN === wantN && ints === 1 && want === have && commas(want) === wantN - 1) {
        if (typeof last === 'number') rowid = last;
        continue;
      }
    }
    const walked = walkTargets(client, a, b, rowid);
    if (walked.broken !== null) return walked;
    rowid = walked.rowid;
  }
  return { broken: null, rowid };
}

function commas(text: unknown): number {
  if (typeof text !== 'string') return -1;
  let n = 0;
  for (let at = text.indexOf(','); at !== -1; at = text.indexOf(',', at + 1)) n++;
  return n;
}

/** Target rows as one string; nothing when sum() overflows (the walk decides). */
function readActualTargets(statement: RawStatement, rowid: number, bound: number): unknown[] {
  try {
    return statement.get(rowid, bound) ?? [];
  } catch {
    return [];
  }
}

/** Row by row: entries (a, b] against the target rows after `rowid`. */
function walkTargets(
  client: RawClient,
  a: number,
  b: number,
  rowid: number,
): { broken: number | null; rowid: number } {
  const entries = client
    .prepare(
      'select id, target_type, target_ids, target_count from access_log where id > ? and id <= ? order by id',
    )
    .raw(true)
    .all(a, b);
  const targets = client.prepare(TARGETS_SQL);
  targets.raw(true);
  let rows: unknown[][] = [];
  let pos = 0;
  let after = rowid;
  let done = false;
  const peek = (): unknown[] | undefined => {
    if (pos < rows.length) return rows[pos];
    if (done) return undefined;
    rows = targets.all(after);
    pos = 0;
    if (rows.length < TARGET_CHUNK) done = true;
    return rows[0];
  };
  for (const e of entries) {
    const id = e[0] as number;
    const type = e[1] as string | null;
    const ids = e[2] as string | null;
    let row = peek();
    if (row && (row[1] as number) < id) return { broken: row[1] as number, rowid: after };
    let list = '';
    let n = 0;
    let typeOk = true;
    while (row && row[1] === id) {
      list += n === 0 ? `${row[3]}` : `,${row[3]}`;
      // A target id is an integer: text such as '5,7' must not pass for two rows.
      if (row[2] !== type || !Number.isInteger(row[3])) typeOk = false;
      n++;
      after = row[0] as number;
      pos++;
      row = peek();
    }
    const expectRows = type !== null && ids !== null && ((e[3] as number | null) ?? 0) > 0;
    if (expectRows ? !typeOk || `[${list}]` !== ids : n > 0) return { broken: id, rowid: after };
  }
  return { broken: null, rowid: after };
}

// ------------------------------------------------------------ for a drizzle database

/** The better-sqlite3 connection under a drizzle database or transaction. */
function rawClient(conn: Conn): RawClient {
  // `session.client` is drizzle-internal (not in its types), set on databases and transactions.
  return (conn as unknown as { session: { client: RawClient } }).session.client;
}

/** The newest entry: what an anchor signs. */
export function chainHead(conn: Conn): ChainHead | null {
  return readChainHead(rawClient(conn));
}

/** The entry with this id, as (id, hash, at), or null. */
export function accessLogEntryHash(conn: Conn, id: number): ChainHead | null {
  return readEntryHash(rawClient(conn), id);
}

/**
 * Walk the chain from `from` (an anchored entry) or from the start, up to the head as it was
 * when the walk began (or `upTo`), and report the first entry that does not hold (see
 * verifyLog in audit-verify.ts).
 */
export function verifyAccessLog(conn: Conn, options: VerifyOptions = {}): VerifyResult {
  return verifyLog(rawClient(conn), options);
}

/** Check one range on its own snapshot (see verifyRange in audit-verify.ts). */
export function verifyAccessLogRange(conn: Conn, input: RangeInput): RangeCheck {
  return verifyRange(rawClient(conn), input);
}

/** The entry of the first target row after `rowid` (a row after the head's own is stray). */
export function strayTargetsAfter(conn: Conn): (rowid: number) => number | null {
  return strayTargetRows(rawClient(conn));
}
