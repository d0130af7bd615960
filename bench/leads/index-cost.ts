/**
 * What a lead insert pays for the read models of the dashboard, audience and policy list
 * (migration `audience_hashes_week_counts`): two databases, one with and one without that
 * migration's write-side work (the lead_week_counts and lead_policy_counts triggers, the
 * address-hash, audience and unhandled indexes), fed the same intake-sized batches
 * (insertLead + consent + indexLeadsForSearch, one transaction per batch) in alternation, so a
 * busy machine slows both alike. Prints µs per lead for each and the difference, and the cost
 * of the two HMACs insertLead computes (paid by both, so measured apart). With `--only month`,
 * the one database goes without the lead_month_counts triggers only (migration
 * `lead_month_counts`, decision 032) and nothing else differs.
 *
 *   cd bench && npx tsx leads/index-cost.ts [-- --batches 300 --prefill 200000 --only month]
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  indexLeadsForSearch,
  insertLead,
  migrateDatabase,
  openDatabase,
  recordConsent,
  setSuppressionKey,
} from '@mg/db';
import { seedFixture } from '@mg/db/testing';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    batches: { type: 'string', default: '300' },
    prefill: { type: 'string', default: '200000' },
    only: { type: 'string' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'mg-index-cost-'));
const KEY = randomBytes(32);
const MONTH_TRIGGERS = [
  'lead_month_counts_day_insert',
  'lead_month_counts_day_update',
  'lead_month_counts_day_rekey',
  'lead_month_counts_day_delete',
];
const MONTH_ONLY = args.only === 'month';
const NEW_TRIGGERS = MONTH_ONLY
  ? MONTH_TRIGGERS
  : [
      'lead_week_counts_day_insert',
      'lead_week_counts_day_update',
      'lead_week_counts_day_rekey',
      'lead_week_counts_day_delete',
      'lead_policy_counts_insert',
      'lead_policy_counts_delete',
      'lead_policy_counts_update',
    ];
const NEW_INDEXES = MONTH_ONLY
  ? []
  : [
      'leads_email_hmac_idx',
      'leads_phone_hmac_idx',
      'leads_hmac_backfill_idx',
      'leads_audience_email_idx',
      'leads_audience_sms_idx',
      'leads_unhandled_open_idx',
    ];
function open(name: string, drop: boolean) {
  const h = openDatabase(join(dir, name));
  migrateDatabase(h);
  setSuppressionKey(h.db, KEY);
  const f = seedFixture(h);
  if (drop) {
    for (const t of NEW_TRIGGERS) h.sqlite.exec(`drop trigger ${t}`);
    for (const i of NEW_INDEXES) h.sqlite.exec(`drop index ${i}`);
  }
  // A filled table, so index pages are not all in one leaf.
  const rows = Number(args.prefill);
  h.sqlite.exec(`with recursive series(value) as (select 1 union all select value + 1 from series where value < ${rows})
    insert into leads (project_id, subsidiary_id, name, email, phone, source, status, restricted, legal_hold, consent_email, consent_sms, created_at, status_changed_at, last_activity_at, updated_at, email_hmac, phone_hmac)
    select ${f.projectA}, ${f.subA}, 'P ' || value, 'p' || value || '@x.no', '+4791' || value, 'demo', 'new', 0, 0, value % 2, value % 3 = 0,
      1700000000000 + value * 60000, 1700000000000, 1700000000000, 1700000000000, hex(randomblob(32)), hex(randomblob(32)) from series`);
  return { h, f };
}
const a = open('with.db', false);
const b = open('without.db', true);
let n = 0;
function batch(db: typeof a) {
  const start = performance.now();
  db.h.db.transaction((tx) => {
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) {
      n++;
      ids.push(
        insertLead(tx, {
          projectId: db.f.projectA,
          subsidiaryId: db.f.subA,
          name: `Bench Person ${n}`,
          email: `bench.${n}@example.no`,
          phone: `+479${String(n).padStart(7, '0')}`,
          message: null,
          source: 'website_form',
          policyVersionId: db.f.policyId,
          createdAt: Date.now(),
        }).id,
      );
      // As intake records the form's consent: e-mail for every other lead, SMS every third.
      const lead = { id: ids.at(-1) ?? 0 } as Parameters<typeof recordConsent>[1]['lead'];
      for (const [purpose, granted] of [
        ['marketing_email', n % 2 === 0],
        ['marketing_sms', n % 3 === 0],
      ] as const)
        if (granted)
          recordConsent(tx, {
            lead,
            purpose,
            granted,
            source: 'form',
            policyVersionId: null,
            actorUserId: null,
            at: Date.now(),
          });
    }
    indexLeadsForSearch(tx, ids);
  });
  return performance.now() - start;
}
const times = { with: [] as number[], without: [] as number[] };
for (let i = 0; i < Number(args.batches); i++) {
  if (i % 2 === 0) {
    times.with.push(batch(a));
    times.without.push(batch(b));
  } else {
    times.without.push(batch(b));
    times.with.push(batch(a));
  }
}
const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)] ?? 0;
const us = (v: number[]) => (median(v) * 1000) / 30;
const hmacStart = performance.now();
for (let i = 0; i < 20_000; i++) {
  createHmac('sha256', KEY).update(`email:bench.${i}@example.no`).digest('hex');
  createHmac('sha256', KEY).update(`phone:+4790${i}`).digest('hex');
}
console.log(
  `the two address HMACs per lead: ${(((performance.now() - hmacStart) * 1000) / 20_000).toFixed(1)} µs`,
);
console.log(
  `µs per lead (median batch of 30): with the triggers and indexes ${us(times.with).toFixed(0)}, without ${us(times.without).toFixed(0)}, difference ${(us(times.with) - us(times.without)).toFixed(0)} µs (${(((us(times.with) - us(times.without)) / us(times.without)) * 100).toFixed(1)} %)`,
);
a.h.close();
b.h.close();
rmSync(dir, { recursive: true, force: true });
