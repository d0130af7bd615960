import { scopeFor } from '@mg/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { listLeads } from './queries/leads';
import { mergeSearchIndex, searchIndexSegments } from './search-index-merge';
import { createTestDatabase } from './testing';

// The nightly merge of the full-text index (decision 057): many small segments, as intake
// leaves them, become one b-tree in short steps, and searches find the same leads.
const handle = createTestDatabase();
const ALL = scopeFor({ role: 'admin', subsidiaryId: null });
const names = ['Kari Nordmann', 'Ola Hansen', 'Åse Ørnes', 'Kari Hansen', 'Per Berg'];

// Fixed e-mails: made-up ones hold random names, which a search for "kari" or "hans" finds.
let made = 0;
const lead = (i: number) => ({
  name: names[i % names.length] as string,
  email: `lead${++made}@example.test`,
});

/** A signal that aborts once `steps` pauses have passed (a run stopped after that many steps). */
function stopAfter(steps: number): AbortSignal {
  const controller = new AbortController();
  let seen = 0;
  const signal = controller.signal;
  Object.defineProperty(signal, 'aborted', { get: () => seen++ >= steps });
  return signal;
}

beforeAll(() => {
  const { db } = handle;
  const project = db.transaction((tx) => {
    const subsidiaryId = makeSubsidiary(tx);
    return { id: makeProject(tx, subsidiaryId), subsidiaryId };
  });
  // One transaction per lead, as one intake batch each: a segment per transaction, which
  // FTS5's automerge folds by fours into levels. 17 leave two segments on two levels, which
  // FTS5's own merges (fewer than four on a level) never join.
  for (let i = 0; i < 17; i++) db.transaction((tx) => makeLead(tx, project, lead(i)));
});

const search = (text: string) =>
  handle.db.transaction((tx) =>
    listLeads(tx, {
      scope: ALL,
      filter: { search: text, sort: 'createdAt', dir: 'desc', limit: 100 },
    })
      .items.map((r) => r.id)
      .sort((a, b) => a - b),
  );

describe('search index merge', () => {
  it('merges every segment into one in bounded steps, and the searches find the same leads', async () => {
    const { db } = handle;
    const before = searchIndexSegments(db);
    expect(before).toBeGreaterThanOrEqual(2);
    const found = { kari: search('kari'), hansen: search('hans'), ase: search('Åse Ørnes') };
    expect(found.kari.length).toBe(7);
    expect(found.hansen.length).toBe(7);
    expect(found.ase.length).toBe(3);

    // Stopped (shutdown) before its first step: nothing merged.
    const stopped = await mergeSearchIndex(db, {
      pages: 1,
      pause: async () => {},
      signal: AbortSignal.abort(),
    });
    expect(stopped.steps).toBe(0);
    expect(searchIndexSegments(db)).toBe(before);

    const merged = await mergeSearchIndex(db, { pages: 1, pause: async () => {} });
    expect(searchIndexSegments(db)).toBe(1);
    // A page at a time: more than one step, each its own write.
    expect(merged.steps).toBeGreaterThanOrEqual(2);
    expect({ kari: search('kari'), hansen: search('hans'), ase: search('Åse Ørnes') }).toEqual(
      found,
    );
    expect(
      handle.sqlite.prepare(`insert into leads_fts(leads_fts) values('integrity-check')`).run(),
    ).toBeDefined();

    // Nothing left to merge: one step that changes nothing.
    const again = await mergeSearchIndex(db, { pages: 1, pause: async () => {} });
    expect(again.steps).toBe(1);
    expect(searchIndexSegments(db)).toBe(1);
  });
  it('finishes with one segment when an earlier run left a merge under way', async () => {
    const { db } = handle;
    const project = db.transaction((tx) => {
      const subsidiaryId = makeSubsidiary(tx);
      return { id: makeProject(tx, subsidiaryId), subsidiaryId };
    });
    // Batches of 40 leads, so a segment spans several pages and a merge takes more than one
    // step of one page.
    const add = (batches: number) => {
      for (let b = 0; b < batches; b++)
        db.transaction((tx) => {
          for (let i = 0; i < 40; i++) makeLead(tx, project, lead(i));
        });
    };
    add(17);
    // A run stopped after its first step (shutdown) leaves a merge under way; then a batch
    // of intake: one new segment beside the merge's inputs and output.
    await mergeSearchIndex(db, { pages: 1, pause: async () => {}, signal: stopAfter(1) });
    add(1);
    expect(searchIndexSegments(db)).toBeGreaterThanOrEqual(2);
    await mergeSearchIndex(db, { pages: 1, pause: async () => {} });
    expect(searchIndexSegments(db)).toBe(1);
    const count = handle.sqlite.prepare('select count(*) from leads_fts where leads_fts match ?');
    expect(count.pluck().get('{name} : kari')).toBe(7 + 18 * 16);
  });
  it('ends while intake adds a segment between every two of its steps', async () => {
    const { db } = handle;
    const project = db.transaction((tx) => {
      const subsidiaryId = makeSubsidiary(tx);
      return { id: makeProject(tx, subsidiaryId), subsidiaryId };
    });
    for (let b = 0; b < 6; b++)
      db.transaction((tx) => {
        for (let i = 0; i < 40; i++) makeLead(tx, project, lead(i));
      });
    let added = 0;
    const merged = await mergeSearchIndex(db, {
      pages: 1,
      pause: async () => {
        added++;
        db.transaction((tx) => makeLead(tx, project, lead(added)));
      },
    });
    // Rounds that start over only between them: a few hundred steps, not an endless merge
    // that restarts at every new segment.
    expect(merged.steps).toBeGreaterThan(2);
    expect(merged.steps).toBeLessThan(2000);
    expect(searchIndexSegments(db)).toBeLessThan(8);
  });
});
