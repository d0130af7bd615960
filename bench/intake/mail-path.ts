/**
 * The main thread's CPU per outbox message: mail composed and written in this thread (the
 * in-process outbox worker, as tests run it) against the mail worker thread (main.ts since
 * decision 049: this thread only claims, posts and records).
 *
 *   pnpm --filter @mg/bench exec tsx intake/mail-path.ts [--messages 2000 --rounds 3]
 *
 * Each round queues `--messages` notices and receipts (the intake's two kinds, with the
 * receipt's List-Unsubscribe headers) in a fresh test database and drains them with each
 * path in turn, alternating. Thread CPU from /proc/thread-self/stat (10-ms ticks: keep the
 * rounds long); the worker's CPU is the process's less the main thread's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { insertOutbox } from '@mg/db';
import { createTestDatabase, seedFixture } from '@mg/db/testing';
import { createOutboxWorker, startMailWorker } from '../../apps/api/src/jobs/outbox';
import { threadCpuMs as threadCpu } from '../../apps/api/src/jobs/thread-cpu';
import type { Logger } from '../../apps/api/src/lib/logger';
import { createMailer } from '../../apps/api/src/lib/mail';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    messages: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
  },
});
const messages = Number(args.messages);
const rounds = Number(args.rounds);
const quiet = () => {};
const log = { debug: quiet, info: quiet, warn: quiet, error: quiet } as unknown as Logger;
const MAIL_FROM = 'MG Leads <no-reply@example.no>';

/** utime + stime of this thread, ms (0 where /proc is missing: the bench needs Linux). */
const threadCpuMs = (): number => threadCpu() ?? 0;
const processCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function queued() {
  const handle = createTestDatabase();
  const f = seedFixture(handle);
  handle.db.transaction((tx) => {
    for (let i = 0; i < messages; i++) {
      const receipt = i % 2 === 1;
      insertOutbox(tx, {
        kind: receipt ? 'consent_receipt' : 'lead_notification',
        leadId: null,
        subsidiaryId: f.subA,
        toAddress: receipt ? `person.${i}@example.no` : 'salg@fjordbygg.example.no',
        subject: receipt ? 'Takk for interessen' : 'Ny interessent: Alfa Park',
        body: `${'Hei,\n\nTakk for at du meldte interesse for Alfa Park. '.repeat(6)}\nhttps://leads.example.no/u/${'x'.repeat(43)}\n`,
        headers: receipt
          ? {
              'List-Unsubscribe': `<https://leads.example.no/u/${'x'.repeat(43)}>`,
              'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            }
          : undefined,
      });
    }
  });
  return handle;
}

async function drain(path: 'in-process' | 'worker') {
  const handle = queued();
  const dir = mkdtempSync(join(tmpdir(), 'mg-mail-path-'));
  const mail = { MAIL_FROM, OUTBOX_DIR: dir };
  const worker = path === 'worker' ? startMailWorker({ db: handle.db, log, mail }) : null;
  const outbox = worker ?? createOutboxWorker({ db: handle.db, log, mailer: createMailer(mail) });
  // The worker's start-up (thread, module load) is not what a message costs: one first.
  if (path === 'worker') {
    handle.sqlite
      .prepare('update outbox set next_attempt_at = 9e15 where id > (select min(id) from outbox)')
      .run();
    outbox.kick();
    await outbox.idle();
    handle.sqlite
      .prepare(`update outbox set status = 'pending', attempts = 0, next_attempt_at = 0`)
      .run();
  }
  const main0 = threadCpuMs();
  const all0 = processCpuMs();
  const t0 = performance.now();
  // As after a burst of intakes: kicked until everything is sent.
  for (;;) {
    outbox.kick();
    await outbox.idle();
    const left = handle.sqlite
      .prepare(`select count(*) as n from outbox where status = 'pending'`)
      .get() as { n: number };
    if (left.n === 0) break;
  }
  const wall = performance.now() - t0;
  const main = threadCpuMs() - main0;
  const all = processCpuMs() - all0;
  await outbox.stop();
  await worker?.close();
  handle.close();
  rmSync(dir, { recursive: true, force: true });
  return { main: (main * 1000) / messages, rest: ((all - main) * 1000) / messages, wall };
}

const fmt = (v: number) => `${v.toFixed(0).padStart(5)} µs`;
console.log(`${messages} messages a round; CPU per message (main thread / other threads)`);
for (let r = 0; r < rounds; r++)
  for (const path of r % 2 === 0
    ? (['in-process', 'worker'] as const)
    : (['worker', 'in-process'] as const)) {
    const m = await drain(path);
    console.log(
      `round ${r + 1} ${path.padEnd(11)} main ${fmt(m.main)}  other threads ${fmt(m.rest)}  ${(m.wall / 1000).toFixed(1)} s  load ${loadavg()[0]?.toFixed(1)}`,
    );
  }
