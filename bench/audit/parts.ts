/**
 * The access-log check's parts, A/B in one process (decisions 037, 044, 048): CPU µs per entry of
 * the chain's statement and its variants, of hashing, and of a whole range, alternating rounds.
 *
 *   pnpm --filter @mg/bench exec tsx audit/parts.ts --db <a log kept by audit/run.ts --keep>
 *     [--from 300001] [--entries 100000] [--rounds 3]
 *
 * CPU time of this process (one thread does the work), so load on a shared machine inflates
 * the figures less than wall time; compare variants within one run only.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { HASHED_FIELDS, verifyRange } from '@mg/db/audit-verify';
import { openReadOnly } from '@mg/db/read-only';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    from: { type: 'string', default: '300001' },
    entries: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    only: { type: 'string' },
    // Run the chosen variants in the reverse order (to see what the order does).
    reverse: { type: 'boolean', default: false },
  },
});
if (!args.db) throw new Error('--db <file> is required');
const FROM = Number(args.from);
const N = Number(args.entries);
const TO = FROM + N - 1;
const sqlite = openReadOnly(args.db);

const FIELDS = HASHED_FIELDS.map((c) => `e.${c}`).join(', ');
const CANONICAL = `case when e.targets_after is null then json_array(${FIELDS})
    else json_array(${FIELDS}, e.targets_after) end`;
// The version 2 target check as audit-verify.ts runs it (decision 044).
const V2_TARGETS = `iif(e.targets_after is not null and e.target_count > 0
    and e.target_type is not null and e.target_ids is not null,
  iif((select count(*) = e.target_count and json_group_array(t.target_id) = e.target_ids
       from access_log_targets t not indexed
       where t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
         and t.entry_id = e.id and t.target_type = e.target_type), '', '!'),
  '')`;
// Decision 035's: the ids joined by group_concat, a typeof() per row.
const V2_TARGETS_035 = `iif(e.targets_after is not null and e.target_count > 0
    and e.target_type is not null and e.target_ids is not null,
  iif((select count(*) = e.target_count and '[' || group_concat(t.target_id, ',') || ']' is e.target_ids
       from access_log_targets t not indexed
       where t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
         and t.entry_id = e.id and t.target_type = e.target_type
         and typeof(t.target_id) = 'integer'), '', '!'),
  '')`;
// Variants of the target check (decision 037).
const V2_ONE = `iif(e.targets_after is not null and e.target_count > 0
    and e.target_type is not null and e.target_ids is not null,
  iif(e.target_count = 1,
    iif((select '[' || t.target_id || ']' is e.target_ids and typeof(t.target_id) = 'integer'
         from access_log_targets t
         where t.rowid = e.targets_after + 1 and t.entry_id = e.id and t.target_type = e.target_type), '', '!'),
    iif((select count(*) = e.target_count and '[' || group_concat(t.target_id, ',') || ']' is e.target_ids
       from access_log_targets t not indexed
       where t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
         and t.entry_id = e.id and t.target_type = e.target_type
         and typeof(t.target_id) = 'integer'), '', '!')),
  '')`;
const V2_NOAGG = `iif(e.targets_after is not null and e.target_count > 0
    and e.target_type is not null and e.target_ids is not null,
  iif((select '[' || group_concat(t.target_id, ',') || ']' is e.target_ids
       from access_log_targets t not indexed
       where t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
         and t.entry_id = e.id and t.target_type = e.target_type
         and typeof(t.target_id) = 'integer'), '', '!'),
  '')`;
const MARK = `case when e.target_count > 0 and e.target_type is not null and e.target_ids is not null
  then case when e.targets_after is null then 'v'
    when (select count(*) = e.target_count and '[' || group_concat(t.target_id, ',') || ']' is e.target_ids
          from access_log_targets t not indexed
          where t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
            and t.entry_id = e.id and t.target_type = e.target_type
            and typeof(t.target_id) = 'integer') then e.target_count
    else '!' end
  else '' end`;
const range = 'from access_log e where e.id > ? and e.id <= ? order by e.id';
const CHUNK = 2_000;

function readAll(sql: string): string[][] {
  const s = sqlite.prepare(sql).pluck(true);
  const out: string[][] = [];
  for (let a = FROM - 1; a < TO; a += CHUNK)
    out.push(s.all(a, Math.min(a + CHUNK, TO)) as string[]);
  return out;
}
const rowsOnce = readAll(`select ${CANONICAL} || e.hash ${range}`);

const variants: Record<string, () => unknown> = {
  'chain: json || hash || v2 targets (now)': () =>
    readAll(`select ${CANONICAL} || e.hash || ${V2_TARGETS} ${range}`),
  'chain: json || hash || v2 targets (035)': () =>
    readAll(`select ${CANONICAL} || e.hash || ${V2_TARGETS_035} ${range}`),
  'chain: v2 targets, 035 without typeof()': () =>
    readAll(
      `select ${CANONICAL} || e.hash || ${V2_TARGETS_035.replace("and typeof(t.target_id) = 'integer'", '')} ${range}`,
    ),
  'chain: v2 targets, seek by rowid >= after + 1': () =>
    readAll(
      `select ${CANONICAL} || e.hash || ${V2_TARGETS.replace('t.rowid > e.targets_after and', 't.rowid >= e.targets_after + 1 and')} ${range}`,
    ),
  'chain: json || hash # count (tried, 037)': () =>
    readAll(`select ${CANONICAL} || e.hash || '#' || ${MARK} ${range}`),
  'chain: json || (hash # count) (tried)': () =>
    readAll(`select ${CANONICAL} || (e.hash || '#' || ${MARK}) ${range}`),
  'chain: json || (hash || v2 targets)': () =>
    readAll(`select ${CANONICAL} || (e.hash || ${V2_TARGETS}) ${range}`),
  'chain: json || hash': () => readAll(`select ${CANONICAL} || e.hash ${range}`),
  // Is the version switch (case … json_array of 15 or 16) a cost of its own? (decision 048)
  'chain: json || hash, no version case (v2 only)': () =>
    readAll(`select json_array(${FIELDS}, e.targets_after) || e.hash ${range}`),
  'chain: hash column alone': () => readAll(`select e.hash ${range}`),
  'chain: v2 targets alone': () => readAll(`select ${V2_TARGETS} ${range}`),
  'chain: v2 targets, one row by rowid =': () => readAll(`select ${V2_ONE} ${range}`),
  'chain: v2 targets, no count(*)': () => readAll(`select ${V2_NOAGG} ${range}`),
  'chain: bare seek count(*) per entry': () =>
    readAll(
      `select (select count(*) from access_log_targets t where t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count) ${range}`,
    ),
  'chain: v2 conditions only (no subquery)': () =>
    readAll(`select iif(e.targets_after is not null and e.target_count > 0
    and e.target_type is not null and e.target_ids is not null, '', '') ${range}`),
  'block: v2 aggregate per 20,000 (035)': () => v2Block(''),
  // The guard decision 044 needs: no id list that can name other than integers.
  'block: … with three LIKEs (now)': () =>
    v2Block(`, sum(target_ids like '%"%' or target_ids like '%.%' or target_ids like '%n%')`),
  'block: … with a GLOB character class': () => v2Block(`, sum(target_ids glob '*[^],0-9[-]*')`),
  'block: … with rtrim()': () => v2Block(`, sum(rtrim(target_ids, '0123456789,-[]') <> '')`),
  'block: … with three instr()': () =>
    v2Block(`, sum(instr(target_ids, '"') or instr(target_ids, '.') or instr(target_ids, 'n'))`),
  'block: rows as one text, a pass over the span (041, not kept)': () => {
    const span = sqlite
      .prepare(`select min(targets_after), sum(target_count) from access_log
        where id > ? and id <= ? and target_count > 0`)
      .raw(true);
    const rows = sqlite
      .prepare(`select count(*), max(rowid),
          group_concat(entry_id || ' ' || target_type || ' ' || target_id, ','),
          typeof(sum(entry_id)) = 'integer' and typeof(sum(target_id)) = 'integer'
        from access_log_targets where rowid > ? and rowid <= ?`)
      .raw(true);
    for (let a = FROM - 1; a < TO; a += 20_000) {
      const [first, n] = (span.get(a, Math.min(a + 20_000, TO)) as unknown[] | undefined) ?? [];
      if (typeof first === 'number' && typeof n === 'number') rows.get(first, first + n);
    }
  },
  'join: v2 targets by left join + group by': () =>
    readAll(`select iif(count(t.rowid) = e.target_count
        and '[' || group_concat(t.target_id, ',') || ']' is e.target_ids
        and min(t.entry_id = e.id and t.target_type = e.target_type and typeof(t.target_id) = 'integer'), '', '!')
      from access_log e left join access_log_targets t
        on t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
      where e.id > ? and e.id <= ? group by e.id order by e.id`),
  'join: bare left join count': () =>
    readAll(`select count(t.rowid)
      from access_log e left join access_log_targets t
        on t.rowid > e.targets_after and t.rowid <= e.targets_after + e.target_count
      where e.id > ? and e.id <= ? group by e.id order by e.id`),
  'chain: empty string per entry': () => readAll(`select '' ${range}`),
  'hash: one-shot hash(slice)': () => {
    let x = 0;
    for (const batch of rowsOnce)
      for (const row of batch)
        if (row.endsWith(oneShotHash('sha256', row.slice(0, row.length - 64)))) x++;
    return x;
  },
  'hash: createHash per entry': () => {
    let x = 0;
    for (const batch of rowsOnce)
      for (const row of batch)
        if (
          row.endsWith(
            createHash('sha256')
              .update(row.slice(0, row.length - 64))
              .digest('hex'),
          )
        )
          x++;
    return x;
  },
  'hash: one-shot over a latin1 Buffer': () => {
    let x = 0;
    for (const batch of rowsOnce)
      for (const row of batch) {
        const digest = oneShotHash('sha256', Buffer.from(row.slice(0, row.length - 64), 'utf8'));
        if (row.endsWith(digest)) x++;
      }
    return x;
  },
  'range: verifyRange (now)': () =>
    verifyRange(sqlite, { fromId: FROM, toId: TO, startHash: prevHash(), startRowid: null }),
  'range: chain chunk 5,000': () =>
    verifyRange(sqlite, {
      fromId: FROM,
      toId: TO,
      startHash: prevHash(),
      startRowid: null,
      chunks: { chain: 5_000, targets: 20_000 },
    }),
  'range: chain chunk 1,000': () =>
    verifyRange(sqlite, {
      fromId: FROM,
      toId: TO,
      startHash: prevHash(),
      startRowid: null,
      chunks: { chain: 1_000, targets: 20_000 },
    }),
  'range: cache 64 MB': () => {
    sqlite.pragma('cache_size = -65536');
    try {
      return verifyRange(sqlite, {
        fromId: FROM,
        toId: TO,
        startHash: prevHash(),
        startRowid: null,
      });
    } finally {
      sqlite.pragma('cache_size = -16000');
    }
  },
  // The read-only connection's pragmas (decision 048).
  'range: mmap the whole file': () => {
    sqlite.pragma(`mmap_size = ${statSync(args.db as string).size + 65_536}`);
    try {
      return verifyRange(sqlite, {
        fromId: FROM,
        toId: TO,
        startHash: prevHash(),
        startRowid: null,
      });
    } finally {
      sqlite.pragma('mmap_size = 0');
    }
  },
  'range: temp_store memory': () => {
    sqlite.pragma('temp_store = memory');
    try {
      return verifyRange(sqlite, {
        fromId: FROM,
        toId: TO,
        startHash: prevHash(),
        startRowid: null,
      });
    } finally {
      sqlite.pragma('temp_store = default');
    }
  },
  'range: block 50,000': () =>
    verifyRange(sqlite, {
      fromId: FROM,
      toId: TO,
      startHash: prevHash(),
      startRowid: null,
      chunks: { chain: 2_000, targets: 50_000 },
    }),
};
function v2Block(extra: string): void {
  const s = sqlite
    .prepare(`select count(*), sum(target_count), min(targets_after),
    max(targets_after + target_count), sum(targets_after is null)${extra}
  from access_log
  where id > ? and id <= ? and target_type is not null and target_ids is not null and target_count > 0`)
    .raw(true);
  for (let a = FROM - 1; a < TO; a += 20_000) s.get(a, Math.min(a + 20_000, TO));
}
function prevHash(): string {
  return sqlite
    .prepare('select hash from access_log where id = ?')
    .pluck(true)
    .get(FROM - 1) as string;
}

const only = args.only ? new RegExp(args.only) : null;
const chosen = Object.entries(variants).filter(([name]) => !only || only.test(name));
if (args.reverse) chosen.reverse();
const results = new Map<string, number[]>();
for (let round = 0; round < Number(args.rounds); round++)
  for (const [name, run] of chosen) {
    const before = process.cpuUsage();
    const out = run();
    const cpu = process.cpuUsage(before);
    if (typeof out === 'object' && out !== null && 'chainBroken' in out) {
      const r = out as { chainBroken: unknown; targetsBroken: unknown };
      if (r.chainBroken || r.targetsBroken) throw new Error(`${name}: the range does not verify`);
    }
    const us = (cpu.user + cpu.system) / N;
    results.set(name, [...(results.get(name) ?? []), us]);
  }
console.log(
  `entries ${FROM}–${TO}; load average ${loadavg()[0]?.toFixed(1)}; CPU µs per entry by round`,
);
for (const [name, list] of results) {
  const mean = list.reduce((a, b) => a + b, 0) / list.length;
  const sorted = [...list].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  console.log(
    `  ${name.padEnd(42)} ${list.map((v) => v.toFixed(2)).join('  ')}   mean ${mean.toFixed(2)}` +
      `  median ${median.toFixed(2)}  min ${(sorted[0] ?? Number.NaN).toFixed(2)}`,
  );
}
sqlite.close();
