/**
 * Worker thread: the admin reads that walk a large share of the leads (the audience count and
 * id list, the dashboard over long ranges) on its own read-only connection, so the thread
 * that answers requests is never held by one of them (issue 10). Under WAL a reader neither
 * waits for the API's writes nor holds them up. Long-lived: the pool (read-workers.ts) sends
 * one job at a time and the answer goes back as a message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  countAudience,
  dashboardSummary,
  listAudienceIds,
  openDatabase,
  setSuppressionKey,
} from '@mg/db';
import { countForGrid, searchPage } from '../lib/slow-reads';
import type { ReadJob, ReadReply } from './read-jobs';

const { file, suppressionKey } = workerData as { file: string; suppressionKey: Uint8Array | null };
const handle = openDatabase(file, { readonly: true });
// The same key as the API's connection: the count's fallback path (before the address-hash
// backfill is done) keys addresses in JavaScript.
if (suppressionKey) setSuppressionKey(handle.db, suppressionKey);

function run(job: ReadJob): unknown {
  switch (job.kind) {
    case 'audienceCount':
      return countAudience(handle.db, job.args);
    case 'audienceIds':
      // A typed array is moved to the other thread, not copied (up to a million ids).
      return Float64Array.from(listAudienceIds(handle.db, job.args));
    case 'dashboard':
      return dashboardSummary(handle.db, job.args);
    case 'leadCount':
      return countForGrid(handle.db, job.args);
    case 'leadPage':
      return searchPage(handle.db, job.args);
  }
}

parentPort?.on('message', ({ id, job }: { id: number; job: ReadJob }) => {
  let reply: ReadReply;
  // One snapshot per job, as the transaction the request thread ran it in gave.
  handle.sqlite.prepare('begin').run();
  try {
    reply = { id, result: run(job) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  } finally {
    handle.sqlite.prepare('rollback').run();
  }
  const moved = reply.result instanceof Float64Array ? reply.result.buffer : null;
  parentPort?.postMessage(reply, moved instanceof ArrayBuffer ? [moved] : []);
});
