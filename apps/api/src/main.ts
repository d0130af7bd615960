import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import {
  migrateDatabase,
  openDatabase,
  rekeyLegacySuppressions,
  setSuppressionKey,
  startWalCheckpointer,
} from '@mg/db';
import { DEMO_PASSWORD, DEMO_USERS } from '@mg/db/demo-data';
import { Cron } from 'croner';
import { sql } from 'drizzle-orm';
import { loadEnv, publicBaseUrl } from './env';
import { startAddressHashBackfill } from './jobs/address-hashes';
import { startAuditJobs } from './jobs/audit-jobs';
import { scheduleDailyBackup } from './jobs/backup';
import { startMailWorker } from './jobs/outbox';
import { closeReadWorkers } from './jobs/read-workers';
import { scheduleRetention } from './jobs/retention';
import { scheduleSearchIndexMerge } from './jobs/search-index';
import { removePidFile, writePidFile } from './lib/backup';
import { firstAdminHelp, keepDemoWithoutTotp } from './lib/first-start';
import { createLogger } from './lib/logger';
import { hashPassword } from './lib/password';
import { loadSuppressionKey } from './lib/server-secrets';
import { sealStoredTotpSecrets } from './lib/totp-secret';
import { createWriteGate } from './lib/write-gate';
import { createApp } from './server';

const env = loadEnv();
const log = createLogger(env.LOG_LEVEL);
const handle = openDatabase(env.DATABASE_PATH);
migrateDatabase(handle);
// WAL checkpoints on a thread of their own: a commit never waits for the copy and fsync.
const checkpointer = startWalCheckpointer(handle, {
  onError: (message) => log.error({ message }, 'WAL checkpoint failed'),
});
setSuppressionKey(handle.db, loadSuppressionKey(env));
// Opt-outs stored before the key existed (plain SHA-256) become HMAC entries where a lead
// still holds the address; the rest keep suppressing as they are.
const rekeyed = handle.db.transaction((tx) => rekeyLegacySuppressions(tx));
if (rekeyed.rekeyed + rekeyed.remaining > 0) log.info(rekeyed, 'legacy suppression entries');
// Second-factor secrets stored before they were sealed (lib/totp-secret.ts) are sealed now.
const sealed = handle.db.transaction((tx) => sealStoredTotpSecrets(tx));
if (sealed > 0) log.info({ sealed }, 'second-factor secrets sealed');
// Leads from before the stored address hashes get theirs in small batches after start-up.
const addressHashJob = startAddressHashBackfill({ db: handle.db, log });

const empty = handle.db.get<{ n: number }>(sql`select count(*) as n from users`).n === 0;
if (empty && env.DEMO_DATA) {
  log.info({ leads: env.DEMO_LEADS }, 'empty database: seeding demo data');
  // Loaded only here, so the seed and faker stay out of the main bundle (a chunk of their own).
  const { seedDemoData } = await import('@mg/db/seed');
  await seedDemoData(handle.db, { hashPassword, leads: env.DEMO_LEADS });
}
keepDemoWithoutTotp(handle.db, env.DEMO_DATA);

// The built SPA sits beside the API: apps/web/dist from apps/api/src or apps/api/dist.
const webDist = env.WEB_DIST ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
// Mail waits in the outbox table; this sends it, every 15 s and right after each intake. This
// thread claims and records the rows; a worker thread composes and sends (decision 049).
// Requests and mail runs wait here while a search-index merge step holds the write lock
// (decision 059).
const gate = createWriteGate();
const outbox = startMailWorker({
  db: handle.db,
  log,
  gate,
  mail: { SMTP_URL: env.SMTP_URL, MAIL_FROM: env.MAIL_FROM, OUTBOX_DIR: env.OUTBOX_DIR },
});
const outboxJob = new Cron('*/15 * * * * *', { protect: true }, () => outbox.kick());
const backupJob = scheduleDailyBackup({
  sqlite: handle.sqlite,
  dir: env.BACKUP_DIR,
  keep: env.BACKUP_KEEP,
  pattern: env.BACKUP_CRON,
  log,
});
// Leads past the retention period anonymised, expired sessions and old sent mail removed.
const retentionJob = scheduleRetention({
  db: handle.db,
  outboxDir: env.OUTBOX_DIR,
  pattern: env.RETENTION_CRON,
  log,
});
// The full-text index merged into one b-tree each night (intake leaves a segment per batch),
// in a worker thread (decision 058).
const searchIndexJob = scheduleSearchIndexMerge({
  db: handle.db,
  pattern: env.SEARCH_INDEX_CRON,
  log,
  gate,
});
// Tells `cli.js restore` that this database is in use.
writePidFile(env.DATABASE_PATH);
// Anonymous denials flushed each minute, the access-log head anchored each night.
const auditJobs = startAuditJobs({ db: handle.db, env, log, gate });
const app = createApp({ db: handle.db, env: { ...env, WEB_DIST: webDist }, log, outbox, gate });
const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => {
  const url = publicBaseUrl(env);
  const lines = [
    '',
    `  MG Leads is running at ${url}`,
    `  Database: ${resolve(env.DATABASE_PATH)}`,
  ];
  if (env.DEMO_DATA) {
    lines.push(`  Demo logins (password for all: ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS) lines.push(`    ${u.role.padEnd(16)} ${u.email}`);
  } else if (empty) lines.push(...firstAdminHelp());
  console.log(`${lines.join('\n')}\n`);
});

/** In-flight requests get this long to finish after SIGTERM/SIGINT; then they are cut. */
const SHUTDOWN_GRACE_MS = 10_000;
let stopping = false;

/**
 * Graceful stop: no new connections, in-flight requests finish (up to the grace period),
 * the outbox batch being sent is recorded or its claims released, the read worker threads
 * stop, the WAL is folded into the database file, and the database is closed.
 */
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  outboxJob.stop();
  addressHashJob.stop();
  backupJob?.stop();
  retentionJob.stop();
  searchIndexJob.stop();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections with no request in flight would hold close() open.
  if ('closeIdleConnections' in server) server.closeIdleConnections();
  const cut = setTimeout(() => {
    log.warn('requests still running after the grace period: closing their connections');
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  await closed;
  clearTimeout(cut);
  await outbox.stop(2_000);
  // The admin reads' worker threads and their read-only connections (requests are done).
  await closeReadWorkers();
  // Anonymous denials still counting become their entries before the database closes.
  auditJobs.stop();
  // The mail worker closes its SMTP connections and ends.
  await outbox.close();
  await checkpointer?.stop();
  try {
    handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    log.error({ err: error }, 'WAL checkpoint at shutdown failed');
  }
  handle.close();
  removePidFile(env.DATABASE_PATH);
  log.info('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
