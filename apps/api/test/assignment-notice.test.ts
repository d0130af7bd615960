import { schema } from '@mg/db';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/routers/root';
import { createCallerFactory } from '../src/trpc';
import { contextFor, setup, type Who } from './helpers';

const createCaller = createCallerFactory(appRouter);

function world() {
  const t = setup();
  const kicks = { n: 0 };
  const as = (who: Who) =>
    createCaller(
      contextFor(t.handle, t.f, who, {
        baseUrl: 'https://leads.example.no',
        kickOutbox: () => void kicks.n++,
      }),
    );
  const mailsTo = (address: string) =>
    t.handle.db.select().from(schema.outbox).where(eq(schema.outbox.toAddress, address)).all();
  return { ...t, as, kicks, mailsTo };
}

describe('staff notice of an assignment', () => {
  it('mails the assignee a link and no personal data, then nudges the sender', async () => {
    const w = world();
    const lead = w.f.leadsA[0] ?? 0;
    await w.as('admin').lead.assign({ id: lead, assigneeUserId: w.f.users.userA });
    const [mail] = w.mailsTo('a@test.no');
    expect(mail?.body).toContain(`https://leads.example.no/leads/${lead}`);
    const [row] = w.handle.db.select().from(schema.leads).where(eq(schema.leads.id, lead)).all();
    for (const personal of [row?.name, row?.email, row?.phone])
      if (personal) expect(`${mail?.subject} ${mail?.body}`).not.toContain(personal);
    expect(w.kicks.n).toBe(1);
  });

  it('sends nothing when people assign to themselves, or turned the notices off', async () => {
    const w = world();
    const [l1, l2] = w.f.leadsA;
    await w.as('userA').lead.assign({ id: l1 ?? 0, assigneeUserId: w.f.users.userA });
    expect(w.mailsTo('a@test.no')).toHaveLength(0);
    await w.as('userA').account.setNotifications({ notifyOnAssign: false });
    await w.as('admin').lead.assign({ id: l2 ?? 0, assigneeUserId: w.f.users.userA });
    expect(w.mailsTo('a@test.no')).toHaveLength(0);
    expect(w.kicks.n).toBe(0);
  });

  it('sends one mail for a bulk assignment', async () => {
    const w = world();
    await w.as('admin').lead.bulkUpdate({ ids: w.f.leadsA, assigneeUserId: w.f.users.userA });
    const mails = w.mailsTo('a@test.no');
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body).toContain(`/leads?assigneeUserId=${w.f.users.userA}`);
  });
});
