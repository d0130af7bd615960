import { type Conn, getAssignNotice } from '@mg/db';
import { ACCOUNT_MAIL_KINDS, assignmentMail, queueMail } from './account-mail';

/**
 * Mail the person a lead (or a batch of leads) was just assigned to, unless they assigned it
 * to themselves, are deactivated, or turned these notices off on /account. The mail holds no
 * personal data: only a link that needs a login (one lead: the lead; several: their leads).
 * Returns whether a mail was queued, so the caller can nudge the sender after its commit.
 */
export function noticeAssignment(
  conn: Conn,
  p: {
    assigneeUserId: number | null;
    actorUserId: number;
    leadIds: readonly number[];
    baseUrl: string;
  },
  now = Date.now(),
): boolean {
  if (p.assigneeUserId === null || p.assigneeUserId === p.actorUserId || p.leadIds.length === 0)
    return false;
  const to = getAssignNotice(conn, p.assigneeUserId);
  if (!to?.active || !to.notifyOnAssign) return false;
  const base = p.baseUrl.replace(/\/+$/, '');
  const [only] = p.leadIds;
  const link =
    p.leadIds.length === 1 && only !== undefined
      ? `${base}/leads/${only}`
      : `${base}/leads?assigneeUserId=${p.assigneeUserId}`;
  queueMail(
    conn,
    ACCOUNT_MAIL_KINDS.assignment,
    to.email,
    assignmentMail(link),
    { leadId: p.leadIds.length === 1 ? only : undefined },
    now,
  );
  return true;
}
