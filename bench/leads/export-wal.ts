/**
 * The WAL that the audience export's log parts write, at the API's pace (one part of 1,000 ids,
 * then the pause logNowInParts makes: walPacer, a turn of the event loop and now and then a wait
 * for the checkpointer), with the WAL checkpointer thread running as
 * in main.ts: per part the request thread's CPU and the WAL file's size, and the busiest part.
 * `--no-catch-up`: a bare turn between all parts (before the waits).
 *
 *   pnpm --filter @mg/bench exec tsx leads/export-wal.ts /tmp/copy.db [--no-catch-up]
 *
 * Writes access-log entries (281 at 1M, action bench.wal): use a copy.
 */
import { statSync } from 'node:fs';
import { migrateDatabase, openDatabase, startWalCheckpointer, walPacer } from '@mg/db';
import { scopeFor } from '@mg/shared';
import { closeReadWorkers, readsFor } from '../../apps/api/src/jobs/read-workers';
import { logNow, staff } from '../../apps/api/src/lib/access-log';
import { mainThreadCpuMs } from './thread-time';

const file = process.argv[2] as string;
const catchUp = !process.argv.includes('--no-catch-up');
const handle = openDatabase(file);
migrateDatabase(handle);
const ck = startWalCheckpointer(handle);
const pause = catchUp ? walPacer(handle.db) : () => new Promise((n) => setImmediate(n));

const cpu = mainThreadCpuMs;
const ids = await readsFor(handle.db).audienceIds({
  scope: scopeFor({ role: 'admin', subsidiaryId: null }),
  purpose: 'marketing_sms',
});
const wal = () => {
  try {
    return statSync(`${file}-wal`).size / 1048576;
  } catch {
    return 0;
  }
};
const w0 = wal();
let max = 0;
let maxAt = 0;
for (let p = 0; p * 1000 < ids.length; p++) {
  const c = cpu();
  logNow(
    handle.db,
    { requestId: 'w', ip: null, userAgent: null },
    staff({ id: 1, role: 'admin' }),
    {
      action: 'bench.wal',
      outcome: 'ok',
      targetType: 'lead',
      targetIds: Array.from(ids.subarray(p * 1000, p * 1000 + 1000)),
    },
  );
  const d = cpu() - c;
  if (d > max) {
    max = d;
    maxAt = p;
  }
  if (p % 40 === 0 || d > 60)
    console.log(`part ${p}: ${d.toFixed(1)} ms cpu, WAL ${wal().toFixed(0)} MB`);
  await pause();
}
console.log(
  `${catchUp ? 'with' : 'without'} the checkpoint waits: WAL before ${w0.toFixed(0)} MB, after ${wal().toFixed(0)} MB; max part ${max.toFixed(1)} ms at #${maxAt}`,
);
await closeReadWorkers();
await ck?.stop();
handle.close();
