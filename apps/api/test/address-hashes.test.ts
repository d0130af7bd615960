import { addressHashesPending, leadsWithWrongAddressHashes } from '@mg/db';
import { createTestDatabase, makeLead, seedFixture } from '@mg/db/testing';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startAddressHashBackfill } from '../src/jobs/address-hashes';

describe('the address hash backfill after start-up', () => {
  it('fills every lead in batches, letting other work run between them', async () => {
    const handle = createTestDatabase();
    const f = seedFixture(handle);
    handle.db.transaction((tx) => {
      for (let i = 0; i < 40; i++)
        makeLead(tx, { id: f.projectA, subsidiaryId: f.subA }, { email: `fyll${i}@example.no` });
    });
    // As the migration leaves the leads that existed before it.
    handle.db.run(sql`update leads set email_hmac = null, phone_hmac = null`);
    expect(addressHashesPending(handle.db)).toBe(true);

    const job = startAddressHashBackfill({
      db: handle.db,
      log: pino({ level: 'silent' }),
      batch: 7,
    });
    // Nothing is done before the caller's own code has run: start-up is not held up.
    expect(addressHashesPending(handle.db)).toBe(true);
    let turns = 0;
    const tick = () => {
      turns++;
      if (addressHashesPending(handle.db)) setImmediate(tick);
    };
    setImmediate(tick);
    const filled = await job.done;
    expect(filled).toBeGreaterThanOrEqual(40);
    // Other callbacks ran between the batches (40+ leads in batches of 7: 6+ batches).
    expect(turns).toBeGreaterThan(4);
    expect(addressHashesPending(handle.db)).toBe(false);
    expect(leadsWithWrongAddressHashes(handle.db)).toEqual([]);
  });

  it('stops when told to', async () => {
    const handle = createTestDatabase();
    const f = seedFixture(handle);
    handle.db.transaction((tx) => {
      for (let i = 0; i < 20; i++) makeLead(tx, { id: f.projectA, subsidiaryId: f.subA });
    });
    handle.db.run(sql`update leads set email_hmac = null, phone_hmac = null`);
    const job = startAddressHashBackfill({
      db: handle.db,
      log: pino({ level: 'silent' }),
      batch: 5,
    });
    job.stop();
    expect(await job.done).toBe(0);
    expect(addressHashesPending(handle.db)).toBe(true);
  });
});
