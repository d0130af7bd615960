import { threadId } from 'node:worker_threads';
import { searchIndexSegments } from '@mg/db';
import { createTestDatabase, makeLead, makeProject, makeSubsidiary } from '@mg/db/testing';
import { describe, expect, it } from 'vitest';
import { mergeSearchIndexOffThread } from '../src/jobs/search-index';

/** A database whose full-text index holds a segment per intake batch, as intake leaves it. */
function segmentedDatabase(batches: number) {
  const handle = createTestDatabase();
  const project = handle.db.transaction((tx) => {
    const subsidiaryId = makeSubsidiary(tx);
    return { id: makeProject(tx, subsidiaryId), subsidiaryId };
  });
  for (let b = 0; b < batches; b++)
    handle.db.transaction((tx) => {
      for (let i = 0; i < 20; i++)
        makeLead(tx, project, { name: `Kari Nordmann ${b}`, email: `k${b}.${i}@example.test` });
    });
  const kari = () =>
    handle.sqlite
      .prepare(`select count(*) from leads_fts where leads_fts match '{name} : kari'`)
      .pluck()
      .get();
  return { handle, kari };
}

describe('the nightly search index merge (decision 058)', () => {
  it('runs in a worker thread, not the one answering requests, and merges the index', async () => {
    const { handle, kari } = segmentedDatabase(7);
    expect(searchIndexSegments(handle.db)).toBeGreaterThanOrEqual(2);
    const run = await mergeSearchIndexOffThread(handle.db);
    expect(run.threadId).not.toBe(threadId);
    expect(run.threadId).toBeGreaterThan(0);
    expect(run.segments).toBe(1);
    // This connection sees the worker's merge, and the same leads.
    expect(searchIndexSegments(handle.db)).toBe(1);
    expect(kari()).toBe(7 * 20);
  });

  it('stops after the current step when asked (shutdown)', async () => {
    const { handle, kari } = segmentedDatabase(7);
    const before = searchIndexSegments(handle.db);
    const stopping = new AbortController();
    stopping.abort();
    const run = await mergeSearchIndexOffThread(handle.db, stopping.signal);
    expect(run.steps).toBeLessThanOrEqual(1);
    expect(run.segments).toBeGreaterThanOrEqual(before - 1);
    expect(kari()).toBe(7 * 20);
  });
});
