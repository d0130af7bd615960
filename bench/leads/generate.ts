import { type Database_, sortBucketTokensSql } from '@mg/db';
import { DEMO_MESSAGES } from '@mg/db/demo-data';
import { seededRandom, slugify } from '@mg/shared';

/**
 * A million leads, fast: raw prepared inserts in large transactions, bypassing drizzle. The
 * FTS triggers fire as they would at intake, so the search index is built the real way.
 * Deterministic (seeded), so runs compare.
 */

export interface GenerateOptions {
  leads: number;
  subsidiaries: number;
  projectsPerSubsidiary: number;
  /** Assignable users per subsidiary (the first one is the bench's login). */
  usersPerSubsidiary: number;
  /** Access-log entries written before measuring (every read appends after them). */
  accessLog: number;
  passwordHash: string;
  now: number;
  seed?: number;
}

export interface Generated {
  subsidiaryIds: number[];
  projectIds: number[];
  adminEmail: string;
  subsidiaryUserEmail: (subsidiaryIndex: number) => string;
  /** The one lead with this name, for a "rare full name" search. */
  rareName: string;
  seconds: number;
}

export const FIRST = [
  'Ola',
  'Kari',
  'Per',
  'Anne',
  'Lars',
  'Ingrid',
  'Ole',
  'Marit',
  'Jon',
  'Liv',
  'Knut',
  'Hilde',
  'Øystein',
  'Åse',
  'Ærle',
  'Bjørn',
  'Sølvi',
  'Håkon',
  'Tove',
  'Gunnar',
  'Solveig',
  'Erik',
  'Silje',
  'Martin',
  'Nora',
  'Emma',
  'Jakob',
  'Sara',
  'Henrik',
  'Ida',
  'Olav',
  'Ragnhild',
  'Torbjørn',
  'Åsmund',
  'Kjersti',
  'Sindre',
  'Marte',
  'Even',
  'Oda',
  'Vegard',
  'Guro',
  'Stian',
  'Oline',
  'Olga',
  'Oliver',
  'Olivia',
  'Jørgen',
  'Mathias',
  'Thea',
  'Frøydis',
];
export const LAST = [
  'Hansen',
  'Johansen',
  'Olsen',
  'Larsen',
  'Andersen',
  'Pedersen',
  'Nilsen',
  'Kristiansen',
  'Jensen',
  'Karlsen',
  'Johnsen',
  'Pettersen',
  'Eriksen',
  'Berg',
  'Haugen',
  'Hagen',
  'Østby',
  'Ørnes',
  'Aasen',
  'Dæhli',
  'Sæther',
  'Bråten',
  'Lie',
  'Moen',
  'Dahl',
  'Lund',
  'Solberg',
  'Strand',
  'Bakken',
  'Holm',
  'Kvåle',
  'Næss',
  'Øverland',
  'Sørensen',
  'Fjære',
  'Vik',
  'Aune',
  'Myhre',
  'Ødegård',
  'Engen',
];
export const DOMAINS = ['gmail.com', 'hotmail.com', 'online.no', 'outlook.com', 'icloud.com'];
const MESSAGES = DEMO_MESSAGES;
const STATUSES = ['new', 'contacted', 'follow_up', 'sold', 'closed'] as const;

/** "Øystein" → "oystein", for e-mail addresses. */
export function ascii(value: string) {
  return slugify(value).replace(/-/g, '');
}

export function generate(sqlite: Database_['sqlite'], o: GenerateOptions): Generated {
  const started = performance.now();
  const random = seededRandom(o.seed ?? 20240617);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const DAY = 86_400_000;
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');

  const subsidiaryIds: number[] = [];
  const projectIds: { id: number; subsidiaryId: number }[] = [];
  const usersBySubsidiary = new Map<number, number[]>();
  sqlite.transaction(() => {
    const policy = sqlite
      .prepare(
        `insert into policy_versions (label, effective_date, body, published_at) values ('bench', '2024-06-17', 'policy', ?)`,
      )
      .run(o.now - 800 * DAY);
    void policy;
    const insSub = sqlite.prepare(
      `insert into subsidiaries (name, org_number, contact_email, active, created_at, updated_at) values (?, ?, ?, 1, ?, ?)`,
    );
    const insProject = sqlite.prepare(
      `insert into projects (name, slug, place, status, subsidiary_id, created_at, updated_at) values (?, ?, ?, 'on_sale', ?, ?, ?)`,
    );
    const insUser = sqlite.prepare(
      `insert into users (email, name, role, subsidiary_id, password_hash, active, failed_logins, created_at, updated_at) values (?, ?, ?, ?, ?, 1, 0, ?, ?)`,
    );
    // The bench signs in with a password only: no role is made to enrol a second factor.
    sqlite
      .prepare(
        `insert or replace into settings (key, value, updated_at) values ('totp_required_roles', '[]', ?)`,
      )
      .run(o.now);
    insUser.run('admin@bench.test', 'Bench Admin', 'admin', null, o.passwordHash, o.now, o.now);
    for (let s = 0; s < o.subsidiaries; s++) {
      const id = Number(
        insSub.run(
          `Datterselskap ${s + 1} AS`,
          String(900000000 + s),
          `leads${s}@bench.test`,
          o.now,
          o.now,
        ).lastInsertRowid,
      );
      subsidiaryIds.push(id);
      const users: number[] = [];
      for (let u = 0; u < o.usersPerSubsidiary; u++) {
        users.push(
          Number(
            insUser.run(
              `user${u}.sub${s}@bench.test`,
              `${pick(FIRST)} ${pick(LAST)}`,
              'subsidiary_user',
              id,
              o.passwordHash,
              o.now,
              o.now,
            ).lastInsertRowid,
          ),
        );
      }
      usersBySubsidiary.set(id, users);
      for (let p = 0; p < o.projectsPerSubsidiary; p++) {
        const n = s * o.projectsPerSubsidiary + p;
        const pid = Number(
          insProject.run(`Prosjekt ${n + 1}`, `prosjekt-${n + 1}`, 'Bergen', id, o.now, o.now)
            .lastInsertRowid,
        );
        projectIds.push({ id: pid, subsidiaryId: id });
      }
    }
  })();

  // Bulk load: drop the leads table's secondary indexes and build them once at the end
  // (sorting beats a million random b-tree inserts); no rollback journal while loading.
  const indexes = sqlite
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and tbl_name = 'leads' and sql is not null`,
    )
    .all() as { name: string; sql: string }[];
  for (const index of indexes) sqlite.exec(`drop index ${index.name}`);
  sqlite.pragma('journal_mode = OFF');

  const insLead = sqlite.prepare(
    `insert into leads (project_id, subsidiary_id, name, email, phone, message, source, policy_version_id,
       status, assignee_user_id, restricted, legal_hold, consent_email, consent_sms,
       created_at, status_changed_at, last_activity_at, anonymised_at, updated_at)
     values (?, ?, ?, ?, ?, ?, 'demo', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Two years, oldest first so ids grow with time; created times on 5-minute marks, so many
  // leads share one (ties in the sort key).
  const span = 730 * DAY;
  const rareName = 'Ingeborg Ødegård-Sæther';
  const rareAt = Math.floor(o.leads * 0.37);
  const batch = 50_000;
  for (let i = 0; i < o.leads; i += batch) {
    sqlite.transaction(() => {
      for (let j = i; j < Math.min(o.leads, i + batch); j++) {
        const project = pick(projectIds);
        const createdAt = o.now - span + Math.floor(((j / o.leads) * span) / 300_000) * 300_000;
        const age = (o.now - createdAt) / DAY;
        const status =
          age < 7 && random() < 0.8 ? 'new' : (pick(STATUSES) as (typeof STATUSES)[number]);
        const assignees = usersBySubsidiary.get(project.subsidiaryId) ?? [];
        const assignee = status !== 'new' && random() < 0.7 ? pick(assignees) : null;
        const anonymised = age > 600 && random() < 0.2;
        const first = pick(FIRST);
        const last = pick(LAST);
        const name = j === rareAt ? rareName : `${first} ${last}`;
        const email = `${ascii(first)}.${ascii(last)}${j % 997}@${pick(DOMAINS)}`;
        const phone = `+47${random() < 0.5 ? '4' : '9'}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
        const statusAt = status === 'new' ? createdAt : createdAt + Math.floor(random() * 10) * DAY;
        insLead.run(
          project.id,
          project.subsidiaryId,
          anonymised ? null : name,
          anonymised ? null : email,
          anonymised ? null : phone,
          anonymised || random() < 0.6 ? null : pick(MESSAGES),
          status,
          assignee,
          random() < 0.005 ? 1 : 0,
          random() < 0.002 ? 1 : 0,
          random() < 0.55 ? 1 : 0,
          random() < 0.3 ? 1 : 0,
          createdAt,
          statusAt,
          statusAt,
          anonymised ? createdAt + 600 * DAY : null,
          statusAt,
        );
      }
    })();
  }
  for (const index of indexes) sqlite.exec(index.sql);
  // The full-text index as intake leaves it: one INSERT … SELECT per group-commit batch
  // (indexLeadsForSearch, decision 004), each its own transaction, so FTS5 writes a segment
  // per batch and merges them only as its automerge does. No final 'optimize': a live index
  // never gets one. Batches of 10–50 forms, as intake's event-loop batches measure.
  const ftsBatch = sqlite.prepare(
    `insert into leads_fts(rowid, name, email, phone, message, scope, sortkey)
     select id, name, email, phone || ' ' || substr(phone, 4), message, 's' || subsidiary_id,
       ${sortBucketTokensSql()}
     from leads where id between ? and ? and anonymised_at is null`,
  );
  const maxId = (sqlite.prepare('select max(id) as m from leads').get() as { m: number }).m;
  for (let first = 1; first <= maxId; ) {
    const last = first + 10 + Math.floor(random() * 41) - 1;
    sqlite.transaction(() => ftsBatch.run(first, last))();
    first = last + 1;
  }
  prefillAccessLog(sqlite, o.accessLog, o.now, random);
  // What the app leaves the planner with: statistics (seed.ts runs pragma optimize, which
  // may run ANALYZE; both here, so no plan depends on their absence).
  sqlite.exec('analyze');
  sqlite.pragma('optimize');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  return {
    subsidiaryIds,
    projectIds: projectIds.map((p) => p.id),
    adminEmail: 'admin@bench.test',
    subsidiaryUserEmail: (s) => `user0.sub${s}@bench.test`,
    rareName,
    seconds: (performance.now() - started) / 1000,
  };
}

const ACTIONS = [
  'lead.list',
  'lead.byId',
  'lead.count',
  'lead.updateStatus',
  'dashboard.summary',
  'auth.login',
  'lead.export',
  'audience.summary',
];

/**
 * A full access log: `entries` rows with ids of leads as targets (1–20 per entry) and a
 * chained-looking hash (random hex: the leads benchmark appends, it never verifies).
 */
function prefillAccessLog(
  sqlite: Database_['sqlite'],
  entries: number,
  now: number,
  random: () => number,
) {
  if (entries <= 0) return;
  const maxLead = (sqlite.prepare('select max(id) as m from leads').get() as { m: number }).m;
  const insEntry = sqlite.prepare(
    `insert into access_log (at, actor_user_id, actor_role, action, purpose, target_type, target_ids,
       target_count, outcome, request_id, ip, user_agent, detail, prev_hash, hash)
     values (?, ?, 'subsidiary_user', ?, 'follow_up', 'lead', ?, ?, 'ok', ?, '127.0.0.1', 'bench', '{}', ?, ?)`,
  );
  const insTarget = sqlite.prepare(
    `insert into access_log_targets (entry_id, target_type, target_id) values (?, 'lead', ?)`,
  );
  const hex = () =>
    Array.from({ length: 4 }, () =>
      Math.floor(random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
  let prev = '0'.repeat(64);
  const start = now - 365 * 86_400_000;
  const batch = 50_000;
  for (let i = 0; i < entries; i += batch) {
    sqlite.transaction(() => {
      for (let j = i; j < Math.min(entries, i + batch); j++) {
        const ids = Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
          Math.max(1, Math.floor(random() * maxLead)),
        );
        const hash = hex() + hex();
        const id = insEntry.run(
          start + Math.floor((j / entries) * 365 * 86_400_000),
          2 + Math.floor(random() * 90),
          ACTIONS[Math.floor(random() * ACTIONS.length)] ?? 'lead.list',
          JSON.stringify(ids),
          ids.length,
          `req-${j}`,
          prev,
          hash,
        ).lastInsertRowid;
        for (const target of new Set(ids)) insTarget.run(id, target);
        prev = hash;
      }
    })();
  }
}
