import { type Conn, findSubjectLeadIds, getSubjectRequest, type SubjectRequest } from '@mg/db';
import {
  type DomainErrorCode,
  type Scope,
  SUBJECT_ACTIVE_STATUSES,
  SUBJECT_MAX_LEADS,
  type SubjectAction,
  subjectActionAllowed,
} from '@mg/shared';

/**
 * Why an action may not be taken on a request now, or null: only once the person's identity
 * is verified and until the request is closed (completed or rejected), and only the actions
 * its type is for (an erasure under an erasure request, …), so the request's record says
 * exactly what was asked and what was done.
 */
export function subjectActionBlock(
  request: Pick<SubjectRequest, 'type' | 'status'>,
  action: SubjectAction,
): DomainErrorCode | null {
  if (!(SUBJECT_ACTIVE_STATUSES as readonly string[]).includes(request.status))
    return 'requestNotActive';
  if (!subjectActionAllowed(request.type, action)) return 'actionNotForRequestType';
  return null;
}

/** The request, or undefined; and the person's leads in scope (at most SUBJECT_MAX_LEADS). */
export function loadSubject(conn: Conn, { scope, id }: { scope: Scope; id: number }) {
  const request = getSubjectRequest(conn, id);
  if (!request) return undefined;
  const found = findSubjectLeadIds(conn, { scope, request, cap: SUBJECT_MAX_LEADS });
  return { request, leadIds: found.ids, capped: found.capped };
}
