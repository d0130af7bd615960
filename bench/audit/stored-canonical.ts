/**
 * A sketch of chain version 3 (decision 037, not built): the canonical JSON stored with the
 * entry and every other column generated from it, so that the check reads one stored text
 * instead of SQLite building json_array, and a column cannot disagree with what was hashed.
 * Copies a kept bench log (audit/run.ts --keep) into a scratch file in that layout and
 * prints: the rebuild's cost (rows and indexes, what a migration would do), the chain's read
 * and hash per entry in both layouts (CPU µs, alternating rounds), and what reading the
 * generated columns costs the log's other queries.
 *
 *   pnpm --filter @mg/bench exec tsx audit/stored-canonical.ts --db <audit.db> [--scratch <file>]
 */
import { hash } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '@mg/db';
import { HASHED_FIELDS } from '@mg/db/audit-verify';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    scratch: { type: 'string', default: '/tmp/mg-bench-stored-canonical.db' },
  },
});
if (!args.db) throw new Error('--db <file> is required');
const scratch = args.scratch;
for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) rmSync(f, { force: true });
const handle = openDatabase(scratch);
const db = handle.sqlite;
db.exec(`attach '${args.db.replaceAll("'", "''")}' as src`);

const FIELDS = HASHED_FIELDS.join(', ');
const CANON = `case when targets_after is null then json_array(${FIELDS})
  else json_array(${FIELDS}, targets_after) end`;
db.exec(`create table log3 (id integer primary key, canon text not null, hash text not null,
  prev_hash text generated always as (canon ->> 1) virtual,
  at integer generated always as (canon ->> 2) virtual,
  actor_user_id integer generated always as (canon ->> 3) virtual,
  action text generated always as (canon ->> 5) virtual,
  target_type text generated always as (canon ->> 7) virtual,
  target_ids text generated always as (canon ->> 8) virtual,
  target_count integer generated always as (canon ->> 9) virtual,
  targets_after integer generated always as (canon ->> 15) virtual)`);
// A hybrid: the fields queries filter on generated from a stored text; the four the target
// check reads kept as real columns, their JSON built at check time and appended to the text
// hashed (the hashes here do not hold: this layout measures cost only).
const PREFIX_FIELDS = FIELDS.split(', ')
  .filter((f) => !['target_type', 'target_ids', 'target_count'].includes(f))
  .join(', ');
db.exec(`create table log3h (id integer primary key, canon text not null, hash text not null,
  target_type text, target_ids text, target_count integer, targets_after integer,
  at integer generated always as (canon ->> 2) virtual,
  actor_user_id integer generated always as (canon ->> 3) virtual,
  action text generated always as (canon ->> 5) virtual)`);

const wall = performance.now();
const cpu = process.cpuUsage();
db.exec(`insert into log3 (id, canon, hash) select id, ${CANON}, hash from src.access_log`);
db.exec(`create index log3_at on log3 (at);
  create index log3_actor on log3 (actor_user_id, id);
  create index log3_action on log3 (action, id)`);
const used = process.cpuUsage(cpu);
const entries = db.prepare('select count(*) from log3').pluck().get() as number;
console.log(
  `rebuild: ${entries.toLocaleString('en')} entries and 3 indexes on generated columns in ` +
    `${((used.user + used.system) / 1000).toFixed(0)} ms CPU, ${(performance.now() - wall).toFixed(0)} ms wall ` +
    `(load average ${loadavg()[0]?.toFixed(1)})`,
);
db.pragma('wal_checkpoint(TRUNCATE)');
console.log(
  `file: ${(statSync(args.db).size / 1e6).toFixed(0)} MB the bench log (entries and target rows), ` +
    `${(statSync(scratch).size / 1e6).toFixed(0)} MB the entries alone in this layout`,
);

// The version 2 target check (decision 035) on each layout: in this one, the entry's
// target columns are generated from its stored text (SQLite parses it once per row).
const TARGETS = (e: string) => `iif(${e}.targets_after is not null and ${e}.target_count > 0
    and ${e}.target_type is not null and ${e}.target_ids is not null,
  iif((select count(*) = ${e}.target_count and '[' || group_concat(t.target_id, ',') || ']' is ${e}.target_ids
       from src.access_log_targets t not indexed
       where t.rowid > ${e}.targets_after and t.rowid <= ${e}.targets_after + ${e}.target_count
         and t.entry_id = ${e}.id and t.target_type = ${e}.target_type
         and typeof(t.target_id) = 'integer'), '', '!'),
  '')`;
db.exec(`insert into log3h (id, canon, hash, target_type, target_ids, target_count, targets_after)
  select id, json_array(${PREFIX_FIELDS}), hash, target_type, target_ids, target_count, targets_after
  from src.access_log`);
const FROM = Math.floor(entries * 0.3);
const TO = FROM + Math.min(100_000, entries - FROM);
const CHUNK = 2_000;
const reads = {
  'built: json_array(…) || hash': db
    .prepare(`select ${CANON} || hash from src.access_log where id > ? and id <= ? order by id`)
    .pluck(),
  'stored: canon || hash': db
    .prepare('select canon || hash from log3 where id > ? and id <= ? order by id')
    .pluck(),
  'built, with the target check': db
    .prepare(
      `select ${CANON} || e.hash || ${TARGETS('e')} from src.access_log e where e.id > ? and e.id <= ? order by e.id`,
    )
    .pluck(),
  'hybrid, with the target check': db
    .prepare(
      `select e.canon || json_array(e.target_type, e.target_ids, e.target_count, e.targets_after) || e.hash || ${TARGETS('e')}
       from log3h e where e.id > ? and e.id <= ? order by e.id`,
    )
    .pluck(),
  'stored, with the target check': db
    .prepare(
      `select e.canon || e.hash || ${TARGETS('e')} from log3 e where e.id > ? and e.id <= ? order by e.id`,
    )
    .pluck(),
};
const held = (rows: unknown[]) => {
  let n = 0;
  for (const row of rows as string[])
    if (row.endsWith(hash('sha256', row.slice(0, row.length - 64)))) n++;
  // (A '!' after the hash, a target check that failed, makes the count fall short.)
  return n;
};
const results = new Map<string, number[]>();
for (let round = 0; round < 6; round++)
  for (const [name, statement] of Object.entries(reads)) {
    const before = process.cpuUsage();
    let n = 0;
    for (let a = FROM; a < TO; a += CHUNK) n += held(statement.all(a, Math.min(a + CHUNK, TO)));
    const spent = process.cpuUsage(before);
    if (n !== TO - FROM && !name.startsWith('hybrid'))
      throw new Error(`${name}: ${n} of ${TO - FROM} hashes hold`);
    results.set(name, [...(results.get(name) ?? []), (spent.user + spent.system) / (TO - FROM)]);
  }
console.log(`chain read and hash, CPU µs per entry (entries ${FROM + 1}–${TO}), by round:`);
for (const [name, list] of results) {
  const median = [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? Number.NaN;
  console.log(
    `  ${name.padEnd(32)} ${list.map((v) => v.toFixed(2)).join('  ')}  median ${median.toFixed(2)}`,
  );
}

const day = Date.UTC(2024, 3, 1);
const queries: [string, string, unknown[]][] = [
  ['newest 50 of an action', 'where action = ? order by id desc limit 50', ['lead.list']],
  ['a day by time, with counts', 'where at >= ? and at < ?', [day, day + 86_400_000]],
];
console.log('queries that read the generated columns, CPU µs per query (200 runs):');
for (const [name, where, params] of queries)
  for (const table of ['src.access_log', 'log3']) {
    const columns = name.startsWith('newest')
      ? 'id, at, actor_user_id, action, target_type, target_ids'
      : 'count(*), sum(target_count)';
    const statement = db.prepare(`select ${columns} from ${table} ${where}`);
    const before = process.cpuUsage();
    for (let i = 0; i < 200; i++) statement.all(...params);
    const spent = process.cpuUsage(before);
    console.log(
      `  ${`${name} (${table === 'log3' ? 'stored canonical' : 'columns'})`.padEnd(48)} ` +
        `${((spent.user + spent.system) / 200).toFixed(0)}`,
    );
  }
handle.close();
for (const f of [scratch, `${scratch}-wal`, `${scratch}-shm`]) rmSync(f, { force: true });
