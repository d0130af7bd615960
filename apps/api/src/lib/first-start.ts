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
