/**
 * The nightly search-index merge beside requests that write (decision 059), at the bench's
 * size: do writes on the thread that answers requests succeed, and does its event loop go
 * on, while the merge's steps hold the write lock?
 *
 *   bench/node_modules/.bin/tsx leads/merge-gate.ts --db <a kept bench database> [--rounds 1]
 *
 * Works on the given file (use a copy: the search index is changed, as a day's intake
 * changes it). Each round: a day's intake re-indexed as intake writes it (the segments and
 * tombstones a night's merge meets), then the app's merge (`mergeSearchIndexOffThread`, in its
 * worker) while this thread writes an access-log entry every 20 ms, as requests would, and
 * samples its own event loop. Once without the write gate (the baseline: a write meets
 * the steps' lock) and once with it (a write waits for the gate, asynchronously). Measured here: without it, most writes fail at once (SQLITE_BUSY: a
 * deferred transaction that has read cannot wait for the lock). Budget, with the gate: no
 * write fails and the event loop is delayed at most 200 ms (issue 10); exits 1 when missed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { appendAccessLog, openDatabase, searchIndexSegments } from '@mg/db';
import { seededRandom } from '@mg/shared';
import { mergeSearchIndexOffThread } from '../../apps/api/src/jobs/search-index';
import { createWriteGate, type WriteGate } from '../../apps/api/src/lib/write-gate';
import { reindexDayOfIntake } from './search-index';

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    db: { type: 'string' },
    rounds: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
  },
});
if (!args.db) throw new Error('--db <a copy of a bench database> is required');
const BUDGET_MS = 200;
const handle = openDatabase(args.db);
const { db } = handle;
const random = seededRandom(Number(args.seed));

async function round(gate: WriteGate | undefined) {
  reindexDayOfIntake(handle, random);
  const segments = searchIndexSegments(db);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  let done = false;
  let writes = 0;
  let longestWrite = 0;
  const failed = new Map<string, number>();
  const writer = (async () => {
    while (!done) {
      const asked = performance.now();
      const leave = await gate?.enter();
      try {
        db.transaction((tx) =>
          appendAccessLog(tx, { action: 'bench.merge-gate', outcome: 'ok', purpose: 'security' }),
        );
      } catch (error) {
        // The request would have failed (SQLITE_BUSY: the lock, or a snapshot a commit of the
        // merge made stale; the app's transactions are deferred).
        const code = (error as { code?: string }).code ?? 'error';
        failed.set(code, (failed.get(code) ?? 0) + 1);
      } finally {
        leave?.();
      }
      writes++;
      longestWrite = Math.max(longestWrite, performance.now() - asked);
      await new Promise((next) => setTimeout(next, 20));
    }
  })();
  loop.enable();
  const merged = await mergeSearchIndexOffThread(db, gate ? { gate } : {});
  loop.disable();
  done = true;
  await writer;
  return {
    segments,
    merged,
    loopMaxMs: loop.max / 1e6,
    loopP99Ms: loop.percentile(99) / 1e6,
    writes,
    longestWrite,
    failed: [...failed].map(([code, n]) => `${n} ${code}`).join(', ') || 'none',
  };
}

console.log(`\nMG Leads: the search-index merge beside writing requests (${args.db})\n`);
let worst = 0;
let failedWithGate = 0;
for (let r = 0; r < Number(args.rounds); r++)
  for (const gated of [false, true]) {
    const out = await round(gated ? createWriteGate() : undefined);
    if (gated) {
      worst = Math.max(worst, out.loopMaxMs);
      if (out.failed !== 'none') failedWithGate++;
    }
    console.log(
      `  ${(gated ? 'with the gate' : 'without (baseline)').padEnd(20)} ${out.segments} segments → ${out.merged.segments}; ` +
        `${out.merged.steps} steps in ${(out.merged.ms / 1000).toFixed(1)} s, longest step ${out.merged.longestStepMs.toFixed(0)} ms; ` +
        `event loop delay max ${out.loopMaxMs.toFixed(0)} ms (p99 ${out.loopP99Ms.toFixed(0)}); ` +
        `${out.writes} writes, longest wait ${out.longestWrite.toFixed(0)} ms, failed: ${out.failed}`,
    );
  }
const ok = worst <= BUDGET_MS && failedWithGate === 0;
console.log(
  `\nSummary\n  event loop delay with the gate: max ${worst.toFixed(0)} ms  budget <= ${BUDGET_MS} ms  ${worst <= BUDGET_MS ? 'ok' : 'MISSED'}` +
    `\n  writes that failed with the gate: ${failedWithGate === 0 ? 'none  ok' : `in ${failedWithGate} rounds  MISSED`}`,
);
handle.close();
process.exit(ok ? 0 : 1);
