import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSENT_PURPOSES, type LeadStatus, type ProjectStatus, slugify } from '@mg/shared';
import { sql } from 'drizzle-orm';
import { assetPath, type Db } from './client';
import { DEMO_MESSAGES, DEMO_PASSWORD, DEMO_USERS } from './demo-data';
import {
  fakePhone,
  faker,
  makeLead,
  makePolicyVersion,
  makeProject,
  makeSubsidiary,
  makeUser,
} from './factories';
import { setTotpRequiredRoles } from './queries/users';
import { leadActivities } from './schema';

export { DEMO_PASSWORD, DEMO_USERS } from './demo-data';

const SUBSIDIARIES = [
  {
    name: 'Fjordbygg AS',
    contactEmail: 'leads@fjordbygg.demo',
    places: ['Bergen', 'Os', 'Voss', 'Askøy', 'Stord'],
  },
  {
    name: 'Nordlys Bolig AS',
    contactEmail: 'post@nordlys-bolig.demo',
    places: ['Tromsø', 'Bodø', 'Harstad', 'Alta', 'Narvik'],
  },
  {
    name: 'Austlandshus AS',
    contactEmail: 'salg@austlandshus.demo',
    places: ['Lillestrøm', 'Hamar', 'Ski', 'Jessheim', 'Drøbak'],
  },
  {
    name: 'Trondhjem Bygg AS',
    contactEmail: 'interesse@trondhjem-bygg.demo',
    places: ['Trondheim', 'Stjørdal', 'Malvik', 'Orkanger', 'Levanger'],
  },
  {
    name: 'Sørlandsbolig AS',
    contactEmail: 'leads@sorlandsbolig.demo',
    places: ['Kristiansand', 'Arendal', 'Grimstad', 'Mandal', 'Lillesand'],
  },
  {
    name: 'Vestfold Hjem AS',
    contactEmail: 'kontakt@vestfold-hjem.demo',
    places: ['Tønsberg', 'Sandefjord', 'Larvik', 'Horten', 'Holmestrand'],
  },
];
const PROJECT_WORDS = [
  'Tunet',
  'Hagen',
  'Brygge',
  'Kvartalet',
  'Terrasse',
  'Panorama',
  'Lia',
  'Park',
  'Sjøfront',
  'Torget',
];
const PROJECT_STATUS_MIX: ProjectStatus[] = [
  'on_sale',
  'on_sale',
  'pre_sale',
  'planning',
  'sold_out',
];

function policyText(): string {
  return readFileSync(join(assetPath('seed-data'), 'privacy-policy-2024-06-17.txt'), 'utf8');
}

const DAY = 86_400_000;

/** Older leads have usually moved further down the funnel. */
function statusFor(ageDays: number): LeadStatus {
  if (ageDays < 7)
    return faker.helpers.weightedArrayElement([
      { weight: 8, value: 'new' },
      { weight: 2, value: 'contacted' },
    ]);
  return faker.helpers.weightedArrayElement<LeadStatus>([
    { weight: 1, value: 'new' },
    { weight: 4, value: 'contacted' },
    { weight: 2, value: 'follow_up' },
    { weight: 1, value: 'sold' },
    { weight: 3, value: 'closed' },
  ]);
}

export interface SeedOptions {
  hashPassword: (password: string) => Promise<string>;
  leads?: number;
  now?: number;
}

/** Realistic fictional Norwegian demo data. Deterministic for a given `now`. */
export async function seedDemoData(db: Db, options: SeedOptions) {
  faker.seed(20240617);
  const now = options.now ?? Date.now();
  const leadCount = options.leads ?? 3000;
  const passwordHash = await options.hashPassword(DEMO_PASSWORD);

  db.transaction((tx) => {
    const policyId = makePolicyVersion(
      tx,
      { label: '2024-06-17', effectiveDate: '2024-06-17', body: policyText() },
      Date.parse('2024-06-17T08:00:00Z'),
    );
    const subsidiaryIds = SUBSIDIARIES.map((s) =>
      makeSubsidiary(tx, { name: s.name, contactEmail: s.contactEmail }, now - 600 * DAY),
    );
    const userIds: number[][] = subsidiaryIds.map(() => []);
    for (const u of DEMO_USERS) {
      const subsidiaryId =
        u.subsidiary === undefined ? null : (subsidiaryIds[u.subsidiary] ?? null);
      const id = makeUser(
        tx,
        { email: u.email, name: u.name, role: u.role, subsidiaryId, passwordHash },
        now - 600 * DAY,
      );
      if (u.subsidiary !== undefined) userIds[u.subsidiary]?.push(id);
    }
    const projects: { id: number; subsidiaryId: number; index: number }[] = [];
    SUBSIDIARIES.forEach((s, i) => {
      const subsidiaryId = subsidiaryIds[i] ?? 0;
      for (const place of s.places) {
        const name = `${place} ${faker.helpers.arrayElement(PROJECT_WORDS)}`;
        const id = makeProject(
          tx,
          subsidiaryId,
          {
            name,
            slug: slugify(name),
            place,
            status: faker.helpers.arrayElement(PROJECT_STATUS_MIX),
          },
          now - 560 * DAY,
        );
        projects.push({ id, subsidiaryId, index: i });
      }
    });

    // Leads spread over 18 months, oldest first so ids grow with time.
    const span = 548 * DAY;
    const times = Array.from(
      { length: leadCount },
      () => now - faker.number.int({ min: 0, max: span }),
    ).sort((a, b) => a - b);
    const people: { name: string; email: string; phone: string }[] = [];
    for (const createdAt of times) {
      const project = faker.helpers.arrayElement(projects);
      const ageDays = (now - createdAt) / DAY;
      const status = statusFor(ageDays);
      const assignees = userIds[project.index] ?? [];
      // About one in twenty is someone who already asked about another project.
      const returning =
        people.length > 50 && faker.number.int(19) === 0
          ? faker.helpers.arrayElement(people)
          : undefined;
      const first = faker.person.firstName();
      const last = faker.person.lastName();
      const person = returning ?? {
        name: `${first} ${last}`,
        email: faker.internet
          .email({
            firstName: first,
            lastName: last,
            provider: faker.helpers.arrayElement([
              'gmail.com',
              'hotmail.com',
              'online.no',
              'outlook.com',
            ]),
          })
          .toLowerCase(),
        phone: fakePhone(),
      };
      people.push(person);
      const consentEmail = faker.number.float() < 0.55;
      const leadId = makeLead(tx, project, {
        ...person,
        createdAt,
        status,
        message: faker.number.float() < 0.6 ? faker.helpers.arrayElement(DEMO_MESSAGES) : null,
        consent: {
          [CONSENT_PURPOSES[0]]: consentEmail,
          [CONSENT_PURPOSES[1]]: faker.number.float() < 0.3,
        },
        policyVersionId: policyId,
        assigneeUserId:
          status === 'new' ? null : (faker.helpers.arrayElement([...assignees, null]) ?? null),
      });
      if (status !== 'new' && faker.number.float() < 0.3) {
        tx.insert(leadActivities)
          .values({
            leadId,
            kind: 'note',
            body: faker.helpers.arrayElement([
              'Ringte, ingen svar. Prøver igjen i morgen.',
              'Sendt prospekt på e-post.',
              'Booket visning neste uke.',
              'Ønsker å vente til prisene er klare.',
            ]),
            actorUserId: assignees[0] ?? null,
            at: Math.min(now, createdAt + 2 * DAY),
          })
          .run();
      }
    }
    // The demo's shared password is printed in the start log: a second factor would only get
    // in the way of trying the app. A real installation keeps the default (admin, privacy
    // officer), and an admin can switch it on here on /users.
    setTotpRequiredRoles(tx, [], now);
  });
  db.run(sql`pragma optimize`);
}
