import { addLeadNote, type Database_, leadsInScope, schema } from '@mg/db';
import { type Fixture, makeLead } from '@mg/db/testing';
import { scopeFor } from '@mg/shared';

type RequestRow = typeof schema.dsrRequests.$inferInsert;

/**
 * A data subject request row, as the request register (another module) would store it: by
 * default an access request for the fixture's Åse Ørnes, identity verified.
 */
export function makeRequest(handle: Database_, over: Partial<RequestRow> = {}): number {
  const now = Date.now();
  return handle.db
    .insert(schema.dsrRequests)
    .values({
      type: 'access',
      subjectEmail: 'ase@example.no',
      subjectPhone: '+4791234567',
      channel: 'email',
      receivedAt: now,
      dueAt: now + 31 * 86_400_000,
      status: 'identity_verified',
      statusChangedAt: now,
      ...over,
    })
    .returning({ id: schema.dsrRequests.id })
    .get().id;
}

/** Words that occur nowhere else, so finding one in a file means it leaked. */
export const PERSON = {
  name: 'Zebulon Quarkfield',
  email: 'zebulon.quark@example.no',
  phone: '+4798712345',
  message: 'Ønsker tilbud på Xylofonvegg',
  note: 'Ringte om Kvarkbalkongen',
};
/** Same name, another address; and a similar address (no dot) with another phone. */
export const SAME_NAME = { name: PERSON.name, email: 'zq@annet.no', phone: '+4791111111' };
export const SIMILAR_EMAIL = {
  name: 'Zara Quist',
  email: 'zebulonquark@example.no',
  phone: '+4792222222',
};

/**
 * The person with a lead at each subsidiary (one with a note and marketing consent), and two
 * other people who look alike: the same name, and an e-mail that differs by a dot.
 */
export function seedPerson(handle: Database_, f: Fixture) {
  return handle.db.transaction((tx) => {
    const pA = { id: f.projectA, subsidiaryId: f.subA };
    const pB = { id: f.projectB, subsidiaryId: f.subB };
    const atA = makeLead(tx, pA, {
      ...PERSON,
      consent: { marketing_email: true, marketing_sms: true },
      policyVersionId: f.policyId,
    });
    const atB = makeLead(tx, pB, {
      name: PERSON.name,
      email: PERSON.email,
      phone: PERSON.phone,
      policyVersionId: f.policyId,
    });
    // Found by the phone only (another e-mail): still the same person.
    const byPhone = makeLead(tx, pB, {
      name: 'Z. Quarkfield',
      email: 'zq.jobb@example.no',
      phone: PERSON.phone,
    });
    const sameName = makeLead(tx, pA, SAME_NAME);
    const similar = makeLead(tx, pB, SIMILAR_EMAIL);
    const [ref] = leadsInScope(tx, scopeFor({ role: 'admin', subsidiaryId: null }), [atA]);
    if (!ref) throw new Error('lead vanished');
    addLeadNote(tx, { lead: ref, body: PERSON.note, actorUserId: f.users.userA });
    return { atA, atB, byPhone, sameName, similar };
  });
}
