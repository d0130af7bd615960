import { parseArgs } from 'node:util';
import { type Db, findUserIdByEmail, getSubsidiary, insertInvitedUser } from '@mg/db';
import { scopeFor, userInviteInput } from '@mg/shared';
import { type Env, publicBaseUrl } from '../env';
import { logEntry, OPERATOR } from './access-log';
import { issueLink } from './accounts';

/**
 * `cli.js invite --email E --name N --role admin`: the first admin of a production install
 * (no demo data), or anyone later. The mail waits in the outbox for the running server to
 * send; the link is also printed, for an install whose mail is not set up yet.
 */
export function inviteFromCli(db: Db, env: Env, args: string[], now = Date.now()): number {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      subsidiary: { type: 'string' },
    },
  });
  const parsed = userInviteInput.safeParse({
    email: values.email ?? '',
    name: values.name ?? '',
    role: values.role ?? '',
    subsidiaryId: values.subsidiary ? Number(values.subsidiary) : null,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      console.error(`  --${issue.path.join('.') || 'input'}: ${issue.message}`);
    console.error('invite needs --email, --name, --role (and --subsidiary ID for subsidiary_user)');
    return 2;
  }
  const input = parsed.data;
  if (findUserIdByEmail(db, input.email)) {
    console.error('a user with that e-mail exists already');
    return 1;
  }
  if (
    input.subsidiaryId !== null &&
    !getSubsidiary(db, {
      // The operator at the console acts with an administrator's view.
      scope: scopeFor({ role: 'admin', subsidiaryId: null }),
      id: input.subsidiaryId,
    })
  ) {
    console.error(`no subsidiary with id ${input.subsidiaryId}`);
    return 1;
  }
  const baseUrl = publicBaseUrl(env);
  const { id, link } = db.transaction((tx) => {
    const user = insertInvitedUser(tx, input, now);
    const url = issueLink(
      tx,
      { id: user.id, email: input.email, name: input.name },
      'invite',
      baseUrl,
      now,
    );
    logEntry(tx, null, OPERATOR, {
      action: 'cli.invite',
      outcome: 'ok',
      purpose: 'security',
      targetType: 'user',
      targetIds: [user.id],
      detail: { role: input.role },
    });
    return { id: user.id, link: url };
  });
  console.log(`invited user ${id}; the mail is sent by the running server (SMTP or OUTBOX_DIR).`);
  console.log(`The link (single use, valid 72 hours): ${link}`);
  return 0;
}
