import { anonymiseLeadsIn } from '@mg/db';
import { makeLead } from '@mg/db/testing';
import { scopeFor } from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { lastAccessLogEntry } from './helpers';
import { cookieFor, publicApp } from './public-helpers';

/**
 * The audience export selects and logs the leads' ids, then reads their rows a chunk at a
 * time as the client takes the file (issue 11: flat memory at any audience size). Shown by a
 * lead anonymised after the answer started: its id is in the log entry (it was selected), its
 * row, in a later chunk, is not in the file, and no personal data of it leaves.
 */
describe('audience export streaming', () => {
  it('reads the rows chunk by chunk after logging the selected ids', async () => {
    const t = publicApp();
    const project = { id: t.f.projectA, subsidiaryId: t.f.subA };
    const ids = t.handle.db.transaction((tx) =>
      Array.from({ length: 2050 }, (_, i) =>
        makeLead(tx, project, {
          name: `Strøm Person ${i}`,
          email: `strom${i}@example.no`,
          consent: { marketing_email: true },
        }),
      ),
    );
    const res = await t.app.request('/api/exports/audience.csv?purpose=marketing_email', {
      headers: {
        cookie: cookieFor(t.handle, t.f.users.admin),
        'sec-fetch-site': 'same-origin',
      },
    });
    expect(res.status).toBe(200);
    const entry = lastAccessLogEntry(t.handle);
    const logged = JSON.parse(entry?.targetIds ?? '[]') as number[];
    // Newest first: the last selected lead is in the third chunk of 1,000.
    expect(logged.length).toBeGreaterThan(2000);
    const last = logged.at(-1) ?? 0;
    anonymiseLeadsIn(t.handle.db, {
      scope: scopeFor({ role: 'admin', subsidiaryId: null }),
      ids: [last],
      reason: { kind: 'cli' },
      log: () => {},
    });
    const csv = await res.text();
    const inFile = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => Number(line.replace(/^\uFEFF/, '').split(',')[0]));
    expect(inFile).toEqual(logged.slice(0, -1));
    expect(ids).toHaveLength(2050);
    expect(ids.every((id) => logged.includes(id))).toBe(true);
  });
});
