import { type Db, hasTotpRequiredRolesSetting, setTotpRequiredRoles } from '@mg/db';

/** The start log of an install with no users and no demo data: how to get the first admin. */
export function firstAdminHelp(): string[] {
  return [
    '',
    '  No users yet. Create the first administrator with one of:',
    '    node apps/api/dist/cli.js invite --email you@example.no --name "Your Name" --role admin',
    '      (mails a single-use link to set the password; the link is also printed)',
    '    node apps/api/dist/cli.js create-admin --email you@example.no --name "Your Name" < password.txt',
  ];
}

/**
 * A demo database seeded before the second-factor setting existed: keep its shared-password
 * logins working, as a fresh demo seed does (docs/decisions/007). Real installs run with
 * DEMO_DATA=false and keep the default (admin and privacy officer must use TOTP).
 */
export function keepDemoWithoutTotp(db: Db, demo: boolean) {
  if (demo && !hasTotpRequiredRolesSetting(db)) setTotpRequiredRoles(db, []);
}
