import {
  type Conn,
  getSubjectLeads,
  listSubjectConsultations,
  type SubjectRequest,
  subjectAddresses,
} from '@mg/db';
import {
  AUDIT_PURPOSES,
  PROCESSING_RECORD,
  purposeCode,
  type Scope,
  SUBJECT_EXPORT_FORMAT,
  SUBJECT_EXPORT_MAX_CONSULTATIONS,
  SUBJECT_EXPORT_VERSION,
  type SubjectExport,
  subjectExportSchema,
} from '@mg/shared';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const purposes = new Set<string>(AUDIT_PURPOSES);

/**
 * The person's JSON file for an access or portability request, built in memory from the
 * leads the caller found (ids from findSubjectLeadIds): their inquiries with consent history,
 * notes, disclosures and objections, and when and why the data was consulted — no staff
 * names, ids, roles or addresses (C-579/21). Checked against the documented schema before it
 * is returned: a file that does not match its documentation is an error, not a download.
 */
export function buildSubjectExport(
  conn: Conn,
  {
    scope,
    request,
    leadIds,
    leadsCapped,
  }: { scope: Scope; request: SubjectRequest; leadIds: number[]; leadsCapped: boolean },
  now = Date.now(),
): SubjectExport {
  const leads = getSubjectLeads(conn, { scope, ids: leadIds, staff: false });
  const consulted = listSubjectConsultations(conn, {
    leadIds: leads.map((l) => l.id),
    limit: SUBJECT_EXPORT_MAX_CONSULTATIONS,
  });
  const { controller } = PROCESSING_RECORD;
  const document: SubjectExport = {
    format: SUBJECT_EXPORT_FORMAT,
    version: SUBJECT_EXPORT_VERSION,
    generatedAt: iso(now),
    controller: {
      name: controller.name,
      orgNumber: controller.orgNumber,
      email: controller.privacyOfficer,
    },
    request: { id: request.id, type: request.type, receivedAt: iso(request.receivedAt) },
    subject: subjectAddresses(request),
    leads: leads.map((l) => ({
      id: l.id,
      project: l.projectName,
      subsidiary: l.subsidiaryName,
      name: l.name,
      email: l.email,
      phone: l.phone,
      message: l.message,
      source: l.source,
      status: l.status,
      privacyPolicyVersion: l.policyVersion,
      createdAt: iso(l.createdAt),
      lastActivityAt: iso(l.lastActivityAt),
      currentConsent: { marketing_email: l.consentEmail, marketing_sms: l.consentSms },
      restricted: l.restricted,
      legalHold: l.legalHold,
      anonymisedAt: isoOrNull(l.anonymisedAt),
      consentHistory: l.consentHistory.map((e) => ({
        purpose: e.purpose,
        granted: e.granted,
        source: e.source,
        privacyPolicyVersion: e.policyVersion,
        at: iso(e.at),
      })),
      notes: l.notes.map((n) => ({ text: n.body, at: iso(n.at) })),
      disclosures: l.disclosures.map((d) => ({
        subsidiary: d.subsidiaryName,
        kind: d.kind,
        at: iso(d.at),
      })),
      objections: l.objections.map((o) => ({ kind: o.kind, reason: o.reason, at: iso(o.at) })),
    })),
    leadsCapped,
    consultations: consulted.items.map((c) => {
      // 'dsr:12' is shown as 'dsr': the request is the person's own, the code is what it means.
      const code = purposeCode(c.purpose);
      return {
        at: iso(c.at),
        purpose:
          code && purposes.has(code)
            ? (code as SubjectExport['consultations'][number]['purpose'])
            : null,
        action: c.action,
        leadIds: c.leadIds,
      };
    }),
    consultationsCapped: consulted.capped,
  };
  return subjectExportSchema.parse(document);
}
