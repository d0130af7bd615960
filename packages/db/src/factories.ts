import { fakerNB_NO as faker } from '@faker-js/faker';
import {
  type ConsentPurpose,
  type LeadStatus,
  orgNumberCheckDigit,
  type ProjectStatus,
  type Role,
  slugify,
} from '@mg/shared';
import { eq } from 'drizzle-orm';
import type { Conn } from './client';
import { insertUser } from './queries/auth';
import { recordConsent } from './queries/consent';
import { insertLead } from './queries/leads';
import { insertProject, insertSubsidiary } from './queries/org';
import { leadActivities, leads, policyVersions } from './schema';

/** Shared by the seed and the tests, so demo data and test data have the same shape. */
export { faker };

/** A random organisation number with a valid MOD11 check digit. */
export function fakeOrgNumber(): string {
  for (;;) {
    const prefix = `9${faker.string.numeric(7)}`;
    const check = orgNumberCheckDigit(prefix);
    if (check !== null) return `${prefix}${check}`;
  }
}

/** Norwegian mobile prefixes whose whole range is allocated (not 42-45 or 49). */
const MOBILE_PREFIXES = [
  '40',
  '41',
  '46',
  '47',
  '48',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '96',
  '97',
  '98',
  '99',
];

/** A valid Norwegian mobile number in E.164. */
export function fakePhone(): string {
  return `+47${faker.helpers.arrayElement(MOBILE_PREFIXES)}${faker.string.numeric(6)}`;
}

export function makeSubsidiary(
  conn: Conn,
  over: Partial<{ name: string; orgNumber: string; contactEmail: string; active: boolean }> = {},
  now = Date.now(),
) {
  const name = over.name ?? `${faker.company.name()} AS`;
  return insertSubsidiary(
    conn,
    {
      name,
      orgNumber: over.orgNumber ?? fakeOrgNumber(),
      contactEmail: over.contactEmail ?? `leads@${faker.internet.domainWord()}.example`,
      active: over.active ?? true,
    },
    now,
  ).id;
}

export function makeProject(
  conn: Conn,
  subsidiaryId: number,
  over: Partial<{ name: string; slug: string; place: string; status: ProjectStatus }> = {},
  now = Date.now(),
) {
  const name = over.name ?? `${faker.location.street()} Park`;
  const slug = over.slug ?? slugify(`${name}-${faker.string.alphanumeric(4)}`);
  return insertProject(
    conn,
    { name, slug, place: over.place ?? 'Bergen', status: over.status ?? 'on_sale', subsidiaryId },
    now,
  ).id;
}

export function makeUser(
  conn: Conn,
  input: {
    email: string;
    name?: string;
    role: Role;
    subsidiaryId?: number | null;
    passwordHash: string;
  },
  now = Date.now(),
) {
  return insertUser(
    conn,
    {
      email: input.email,
      name: input.name ?? faker.person.fullName(),
      role: input.role,
      subsidiaryId: input.subsidiaryId ?? null,
      passwordHash: input.passwordHash,
    },
    now,
  ).id;
}

export function makePolicyVersion(
  conn: Conn,
  input: { label: string; effectiveDate: string; body: string },
  now = Date.now(),
) {
  return conn
    .insert(policyVersions)
    .values({ ...input, publishedAt: now })
    .returning({ id: policyVersions.id })
    .get().id;
}

export interface LeadOverrides {
  name?: string;
  email?: string;
  phone?: string;
  message?: string | null;
  createdAt?: number;
  status?: LeadStatus;
  consent?: Partial<Record<ConsentPurpose, boolean>>;
  policyVersionId?: number | null;
  assigneeUserId?: number | null;
}

/** A lead as intake would store it: the row, its disclosure and its consent events. */
export function makeLead(
  conn: Conn,
  project: { id: number; subsidiaryId: number },
  over: LeadOverrides = {},
) {
  const first = faker.person.firstName();
  const last = faker.person.lastName();
  const createdAt = over.createdAt ?? Date.now();
  const lead = insertLead(conn, {
    projectId: project.id,
    subsidiaryId: project.subsidiaryId,
    name: over.name ?? `${first} ${last}`,
    email:
      over.email ??
      faker.internet
        .email({ firstName: first, lastName: last, provider: 'example.no' })
        .toLowerCase(),
    phone: over.phone ?? fakePhone(),
    message: over.message === undefined ? null : over.message,
    source: 'demo',
    policyVersionId: over.policyVersionId ?? null,
    createdAt,
  });
  const id = lead.id;
  for (const [purpose, granted] of Object.entries(over.consent ?? {}) as [
    ConsentPurpose,
    boolean,
  ][]) {
    if (!granted) continue;
    recordConsent(conn, {
      lead,
      purpose,
      granted: true,
      source: 'form',
      policyVersionId: over.policyVersionId ?? null,
      actorUserId: null,
      at: createdAt,
    });
  }
  if (over.status && over.status !== 'new') {
    const at = createdAt + faker.number.int({ min: 1, max: 14 }) * 86_400_000;
    conn
      .update(leads)
      .set({
        status: over.status,
        statusChangedAt: at,
        lastActivityAt: at,
        assigneeUserId: over.assigneeUserId ?? null,
      })
      .where(eq(leads.id, id))
      .run();
    conn
      .insert(leadActivities)
      .values({
        leadId: id,
        kind: 'status',
        fromValue: 'new',
        toValue: over.status,
        actorUserId: over.assigneeUserId ?? null,
        at,
      })
      .run();
  }
  return id;
}
