/**
 * Type tests, checked by `tsc` (the package's typecheck) and never run: each
 * `@ts-expect-error` line must stay an error, so if the Scope or LeadRef brand is ever
 * loosened, the typecheck fails on the now-unused directive.
 */
import { type Scope, scopeFor } from '@mg/shared';
import type { Conn } from './client';
import * as db from './index';
import {
  addLeadNote,
  countLeads,
  getLead,
  getLeadHistory,
  listLeads,
  listOutboxForLead,
  recordConsent,
  setLeadAssignee,
  setLeadStatus,
  withdrawConsent,
} from './index';

export function scopeCannotBeForged(conn: Conn) {
  // @ts-expect-error a literal is not a Scope: only scopeFor makes one
  const forged: Scope = { kind: 'all' };
  // @ts-expect-error a literal scope cannot be passed to a query
  listLeads(conn, { scope: { kind: 'all' }, filter: {} });
  // @ts-expect-error not a subsidiary scope either
  countLeads(conn, { scope: { kind: 'subsidiary', subsidiaryId: 1 }, filter: {} });
  // The one legitimate way compiles.
  listLeads(conn, { scope: scopeFor({ role: 'admin', subsidiaryId: null }), filter: {} });
  return forged;
}

export function leadIdIsNotAScopedLead(conn: Conn) {
  const at = 0;
  // @ts-expect-error a plain id is not a LeadRef
  getLeadHistory(conn, 1);
  // @ts-expect-error nor an object that merely has an id
  getLeadHistory(conn, { id: 1 });
  // @ts-expect-error
  listOutboxForLead(conn, 1, 'lead_notification');
  // @ts-expect-error
  addLeadNote(conn, { lead: { id: 1 }, body: 'x', actorUserId: 1 });
  // @ts-expect-error
  setLeadStatus(conn, { lead: { id: 1, status: 'new' }, status: 'contacted', actorUserId: 1 });
  setLeadAssignee(conn, {
    // @ts-expect-error
    lead: { id: 1, assigneeUserId: null },
    assigneeUserId: 2,
    actorUserId: 1,
  });
  withdrawConsent(conn, {
    // @ts-expect-error
    lead: { id: 1 },
    purposes: ['marketing_email'],
    source: 'dsr',
    actorUserId: null,
    at,
  });
  recordConsent(conn, {
    // @ts-expect-error
    lead: { id: 1 },
    purpose: 'marketing_email',
    granted: false,
    source: 'dsr',
    policyVersionId: null,
    actorUserId: null,
    at,
  });
  // @ts-expect-error the brand's maker stays inside the package
  db.asLeadRef({ id: 1 });
  // The one legitimate way: a scoped read hands out the reference.
  const lead = getLead(conn, { scope: scopeFor({ role: 'admin', subsidiaryId: null }), id: 1 });
  if (lead) getLeadHistory(conn, lead);
}
