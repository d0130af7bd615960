import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  appendAccessLog,
  findUserByEmail,
  insertUser,
  migrateDatabase,
  openDatabase,
  verifyAccessLog,
} from '@mg/db';
import { emailSchema, newPasswordSchema } from '@mg/shared';
import { loadEnv } from './env';
import { inviteFromCli } from './lib/cli-invite';
import { hashPassword } from './lib/password';

const USAGE = `Usage: mg-leads <command> [options]

Commands:
  migrate                         apply database migrations
  create-admin --email E --name N read the password from stdin (at least 12 characters)
  verify-audit                    check the access log's hash chain; exit 1 if broken
  invite --email E --name N --role R [--subsidiary ID]
                                  invite a user: a single-use link (72 h) through the outbox
`;

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const env = loadEnv();
  const handle = openDatabase(env.DATABASE_PATH);
  migrateDatabase(handle);
  try {
    switch (command) {
      case 'migrate':
        console.log('migrations applied');
        return 0;
      case 'create-admin': {
        const { values } = parseArgs({
          args: rest,
          options: { email: { type: 'string' }, name: { type: 'string' } },
        });
        const email = emailSchema.safeParse(values.email ?? '');
        if (!email.success || !values.name) {
          console.error('create-admin needs a valid --email and a --name');
          return 2;
        }
        const password = newPasswordSchema.safeParse(readFileSync(0, 'utf8').replace(/\r?\n$/, ''));
        if (!password.success) {
          console.error('the password (stdin) must have 12+ characters and not be a common one');
          return 2;
        }
        if (findUserByEmail(handle.db, email.data)) {
          console.error('a user with that e-mail exists already');
          return 1;
        }
        const passwordHash = await hashPassword(password.data);
        const id = handle.db.transaction((tx) => {
          const user = insertUser(tx, {
            email: email.data,
            name: values.name ?? '',
            role: 'admin',
            subsidiaryId: null,
            passwordHash,
          });
          appendAccessLog(tx, {
            action: 'cli.createAdmin',
            outcome: 'ok',
            purpose: 'administration',
            targetType: 'user',
            targetIds: [user.id],
          });
          return user.id;
        });
        console.log(`admin created with id ${id}`);
        return 0;
      }
      case 'invite':
        return inviteFromCli(handle.db, env, rest);
      case 'verify-audit': {
        const result = verifyAccessLog(handle.db);
        if (result.ok) {
          console.log(`access log OK: ${result.checked} entries verified`);
          return 0;
        }
        console.error(
          `access log BROKEN at entry ${result.firstBrokenId} (${result.reason}); ${result.checked} entries before it are intact`,
        );
        return 1;
      }
      default:
        console.log(USAGE);
        return command ? 2 : 0;
    }
  } finally {
    handle.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
