import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@mg/shared';
import { type Database_, migrateDatabase, openDatabase } from './client';
import { makeLead, makePolicyVersion, makeProject, makeSubsidiary, makeUser } from './factories';
import { setSuppressionKey } from './queries/consent';
import { setTotpRequiredRoles } from './queries/users';

/** The suppression list's key in tests (the API loads its own from configuration). */
export const TEST_SUPPRESSION_KEY = Buffer.from('test-suppression-key-'.repeat(2));

/** The factories, for tests that need more rows than the fixture. */
export * from './factories';

let template: string | undefined;
let counter = 0;
let dir: string | undefined;
const opened: Database_[] = [];
const tempDirs: string[] = [];

/** A temporary folder for a test's files (backups, key files), removed with the test databases. */
export function testTempDir(prefix: string): string {
  const made = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(made);
  return made;
}

/** A fresh, migrated database file: migrated once per test file, then copied per call. */
export function createTestDatabase(): Database_ {
  dir ??= mkdtempSync(join(tmpdir(), 'mg-leads-test-'));
  if (!template) {
    template = join(dir, 'template.db');
    const handle = openDatabase(template);
    migrateDatabase(handle);
    handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    handle.close();
  }
  const file = join(dir, `test-${process.pid}-${++counter}.db`);
  copyFileSync(template, file);
  const handle = openDatabase(file);
  setSuppressionKey(handle.db, TEST_SUPPRESSION_KEY);
  opened.push(handle);
  return handle;
}

/**
 * Close every database this module opened and delete their folder and every `testTempDir`. The packages' vitest
 * setup files call it after each test file, so runs leave nothing behind in the temp dir.
 */
export function removeTestDatabases() {
  for (const handle of opened.splice(0)) if (handle.sqlite.open) handle.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const made of tempDirs.splice(0)) rmSync(made, { recursive: true, force: true });
  dir = undefined;
  template = undefined;
}

/** Fixed password hash for tests that never log in through argon2. */
export const TEST_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$dGVzdHNhbHQ$placeholder';

/**
 * Two subsidiaries (A and B), a project and three leads each, and one user per role
 * (plus one user at each subsidiary). Enough to prove scope on every path.
 */
export function seedFixture(handle: Database_, passwordHash = TEST_PASSWORD_HASH) {
  const { db } = handle;
  return db.transaction((tx) => {
    const policyId = makePolicyVersion(tx, {
      label: 'test-1',
      effectiveDate: '2024-06-17',
      body: 'Policy',
    });
    const subA = makeSubsidiary(tx, { name: 'A Bygg AS', orgNumber: '923609016' });
    const subB = makeSubsidiary(tx, { name: 'B Bolig AS', orgNumber: '974760673' });
    const projectA = makeProject(tx, subA, { name: 'Alfa Park', slug: 'alfa-park' });
    const projectB = makeProject(tx, subB, { name: 'Beta Brygge', slug: 'beta-brygge' });
    const user = (role: Role, email: string, subsidiaryId: number | null = null) =>
      makeUser(tx, { email, role, subsidiaryId, passwordHash });
    const users = {
      admin: user('admin', 'admin@test.no'),
      privacy_officer: user('privacy_officer', 'po@test.no'),
      auditor: user('auditor', 'auditor@test.no'),
      userA: user('subsidiary_user', 'a@test.no', subA),
      userB: user('subsidiary_user', 'b@test.no', subB),
    };
    const pA = { id: projectA, subsidiaryId: subA };
    const pB = { id: projectB, subsidiaryId: subB };
    // Fixed e-mails: a random one could hold another lead's name and turn up in its search.
    const leadsA = [
      makeLead(tx, pA, {
        name: 'Åse Ørnes',
        email: 'ase@example.no',
        phone: '+4791234567',
        consent: { marketing_email: true },
        policyVersionId: policyId,
      }),
      makeLead(tx, pA, {
        name: 'Bjørn Dæhli',
        email: 'bjorn.daehli@example.no',
        policyVersionId: policyId,
      }),
      makeLead(tx, pA, {
        name: 'Camilla Lund',
        email: 'camilla.lund@example.no',
        policyVersionId: policyId,
      }),
    ];
    const leadsB = [
      // The same person as leadsA[0], at the other subsidiary.
      makeLead(tx, pB, {
        name: 'Åse Ørnes',
        email: 'ase@example.no',
        phone: '+4791234567',
        policyVersionId: policyId,
      }),
      makeLead(tx, pB, {
        name: 'David Berg',
        email: 'david.berg@example.no',
        policyVersionId: policyId,
      }),
      makeLead(tx, pB, {
        name: 'Eva Holm',
        email: 'eva.holm@example.no',
        policyVersionId: policyId,
      }),
    ];
    // Like the demo data: no second factor required, so tests sign in with a password alone.
    // The tests of that requirement switch it on themselves.
    setTotpRequiredRoles(tx, [], 0);
    return { policyId, subA, subB, projectA, projectB, users, leadsA, leadsB };
  });
}
export type Fixture = ReturnType<typeof seedFixture>;
