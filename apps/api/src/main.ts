import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { migrateDatabase, openDatabase } from '@mg/db';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoData } from '@mg/db/seed';
import { Cron } from 'croner';
import { sql } from 'drizzle-orm';
import { loadEnv } from './env';
import { createOutboxWorker } from './jobs/outbox';
import { firstAdminHelp, keepDemoWithoutTotp } from './lib/first-start';
import { createLogger } from './lib/logger';
import { createMailer } from './lib/mail';
import { hashPassword } from './lib/password';
import { createApp } from './server';

const env = loadEnv();
const log = createLogger(env.LOG_LEVEL);
const handle = openDatabase(env.DATABASE_PATH);
migrateDatabase(handle);

const empty = handle.db.get<{ n: number }>(sql`select count(*) as n from users`).n === 0;
if (empty && env.DEMO_DATA) {
  log.info({ leads: env.DEMO_LEADS }, 'empty database: seeding demo data');
  await seedDemoData(handle.db, { hashPassword, leads: env.DEMO_LEADS });
}
keepDemoWithoutTotp(handle.db, env.DEMO_DATA);

// The built SPA sits beside the API: apps/web/dist from apps/api/src or apps/api/dist.
const webDist = env.WEB_DIST ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
// Mail waits in the outbox table; this sends it, every 15 s and right after each intake.
const mailer = createMailer(env);
const outbox = createOutboxWorker({ db: handle.db, mailer, log });
const outboxJob = new Cron('*/15 * * * * *', { protect: true }, () => outbox.kick());
const app = createApp({ db: handle.db, env: { ...env, WEB_DIST: webDist }, log, outbox });
const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  const url =
    env.PUBLIC_URL ?? `http://${info.address === '::' ? 'localhost' : info.address}:${info.port}`;
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

function shutdown() {
  outboxJob.stop();
  server.close(async () => {
    await outbox.stop();
    mailer.close();
    handle.close();
    process.exit(0);
  });
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
