import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { makeLead, makeProject, makeSubsidiary } from './factories';
import { pointedBuckets } from './queries/leads/search-sorted';
import { leads } from './schema';
import { createTestDatabase } from './testing';

/**
 * The sort-key bucket tokens (migration 0021, decision 031): a lead's full-text row holds the
 * token of bytes P exactly when its sort key starts with P, whichever path wrote the row
 * (intake's insert, the update trigger), for keys shorter than a level too. The oracle test
 * checks the pages built on them.
 */

const handle = createTestDatabase();
const { db, sqlite } = handle;
const subsidiaryId = makeSubsidiary(db, { name: 'Bøtte AS' });
const project = { id: makeProject(db, subsidiaryId), subsidiaryId };

/** The ids whose row holds this token in the sortkey column. */
const withToken = (token: string) =>
  (
    sqlite
      .prepare(`select rowid as id from leads_fts where leads_fts match ? order by rowid`)
      .all(`{sortkey} : "${token}"`) as { id: number }[]
  ).map((r) => r.id);

/** Every token a row with these keys must hold: 'n'/'e' + hex of the first 2, 3, 4 bytes. */
function expectedTokens(nameKey: string, emailKey: string): string[] {
  const of = (letter: string, key: string) =>
    [2, 3, 4].map((n) => `${letter}${Buffer.from(key).subarray(0, n).toString('hex')}`);
  return [...of('n', nameKey), ...of('e', emailKey)];
}

function keysOf(id: number): { nameKey: string; emailKey: string } {
  return sqlite
    .prepare(`select name_sort as nameKey, email_sort as emailKey from leads where id = ?`)
    .get(id) as { nameKey: string; emailKey: string };
}

describe('sort-key bucket tokens', () => {
  it('hold the first 2, 3 and 4 bytes of both keys, short and multi-byte keys included', () => {
    const names = ['Å', 'Al', 'Ola Hansen', 'ÆRLIG Østby', 'Émile Sæther', 'Bo'];
    const ids = names.map((name, i) =>
      makeLead(db, project, { name, email: i === 0 ? 'x@y.no' : `${name[0]}.${i}@Example.NO` }),
    );
    for (const id of ids) {
      const { nameKey, emailKey } = keysOf(id);
      for (const token of expectedTokens(nameKey, emailKey))
        expect(withToken(token), `${id} ${token}`).toContain(id);
    }
    // A 1-byte key ('}' for Å) is its own token at every level, and no 2-byte bucket's.
    expect(withToken('n7d')).toEqual([ids[0]]);
    expect(withToken('n616c')).toEqual([ids[1]]);
    // Lower-cased as the index sorts: 'ÆRLIG' → '{rlig' (æ after z), e-mails lower-cased.
    expect(withToken('n7b726c69')).toEqual([ids[3]]);
  });

  it('follow a rename and an e-mail change (update trigger), and leave with anonymisation', () => {
    const id = makeLead(db, project, { name: 'Kari Nordmann', email: 'kari@example.no' });
    expect(withToken('n6b617269')).toContain(id);
    db.update(leads)
      .set({ name: 'Zahl Berg', email: 'zahl@example.no' })
      .where(eq(leads.id, id))
      .run();
    expect(withToken('n6b617269')).not.toContain(id);
    expect(withToken('n7a61686c')).toContain(id);
    expect(withToken('e7a61686c')).toContain(id);
    db.update(leads)
      .set({ name: null, email: null, phone: null, anonymisedAt: Date.now() })
      .where(eq(leads.id, id))
      .run();
    expect(withToken('n7a61686c')).not.toContain(id);
  });

  it('are pointed at by the typed words: the key of each word, its finest bucket, once', () => {
    const hex = (bs: Buffer[]) => bs.map((b) => b.toString('hex'));
    // 'ærle' sorts as '{rle'; a longer word is cut to 4 bytes; a prefix covers longer ones.
    expect(hex(pointedBuckets('name', ['ærle']))).toEqual([Buffer.from('{rle').toString('hex')]);
    expect(hex(pointedBuckets('name', ['olivia', 'ol']))).toEqual(['6f6c']);
    expect(hex(pointedBuckets('name', ['ø']))).toEqual(['7c']);
    // E-mail: the word as typed and as addresses spell æ ø å.
    expect(pointedBuckets('email', ['åse']).map((b) => b.toString())).toEqual([
      'aase',
      'ase',
      'åse',
    ]);
  });
});
