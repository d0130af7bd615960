import { threadId } from 'node:worker_threads';
import { searchIndexSegments } from '@mg/db';
import { createTestDatabase, makeLead, makeProject, makeSubsidiary } from '@mg/db/testing';
import { describe, expect, it } from 'vitest';
import { mergeSearchIndexOffThread } from '../src/jobs/search-index';
import { createWriteGate, type WriteGate } from '../src/lib/write-gate';

const tick = (ms = 0) => new Promise<void>((done) => setTimeout(done, ms));

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
    const run = await mergeSearchIndexOffThread(handle.db, { signal: stopping.signal });
    expect(run.steps).toBeLessThanOrEqual(1);
    expect(run.segments).toBeGreaterThanOrEqual(before - 1);
    expect(kari()).toBe(7 * 20);
  });

  it('with a gate, steps only while no request is under way, and requests wait for a step (decision 059)', async () => {
    const { handle, kari } = segmentedDatabase(7);
    const project = handle.db.transaction((tx) => {
      const subsidiaryId = makeSubsidiary(tx);
      return { id: makeProject(tx, subsidiaryId), subsidiaryId };
    });
    const gate = createWriteGate({ drainMs: 10_000 });
    let asked = 0;
    const steps: Array<[number, number]> = [];
    const watched: WriteGate = {
      get inFlight() {
        return gate.inFlight;
      },
      enter: () => gate.enter(),
      exclusive(work, signal) {
        asked++;
        return gate.exclusive(async () => {
          const started = performance.now();
          try {
            return await work();
          } finally {
            steps.push([started, performance.now()]);
          }
        }, signal);
      },
    };
    // A request under way when the worker asks for its first step.
    const leave = await gate.enter();
    let done = false;
    const merging = mergeSearchIndexOffThread(handle.db, { gate: watched }).finally(() => {
      done = true;
    });
    for (let waited = 0; asked === 0 && !done && waited < 20_000; waited += 10) await tick(10);
    expect(asked).toBe(1);
    await tick(100);
    expect(steps).toEqual([]);
    const released = performance.now();
    leave();
    // Requests that write while the merge goes on, each let in by the gate as the app's are.
    const writes: Array<[number, number]> = [];
    while (!done) {
      const out = await gate.enter();
      const started = performance.now();
      handle.db.transaction((tx) => {
        makeLead(tx, project, {
          name: 'Kari Nordmann',
          email: `late${writes.length}@example.test`,
        });
      });
      writes.push([started, performance.now()]);
      out();
      await tick(1);
    }
    const run = await merging;
    expect(run.steps).toBeGreaterThan(1);
    expect(steps).toHaveLength(run.steps);
    expect(steps[0]?.[0]).toBeGreaterThanOrEqual(released);
    expect(writes.length).toBeGreaterThan(0);
    const overlapping = writes.filter(([a, b]) => steps.some(([c, d]) => a < d && c < b));
    expect(overlapping).toEqual([]);
    expect(gate.inFlight).toBe(0);
    expect(kari()).toBe(7 * 20 + writes.length);
  });
});
