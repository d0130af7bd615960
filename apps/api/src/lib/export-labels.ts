import type {
  AuditOutcome,
  AuditPurpose,
  AuditTargetType,
  LeadColumn,
  LeadStatus,
  Role,
} from '@mg/shared';

/**
 * Headers and values of the spreadsheet downloads, in the user's language. The web app's
 * locale files hold the same words for the screens (a test keeps the two in step); the server
 * keeps its own copy because a download is written here, not in the browser.
 */
export const EXPORT_LANGUAGES = ['nb', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

/** The language a download asks for: Norwegian unless it says English. */
export function exportLanguage(value: string | undefined): ExportLanguage {
  return value === 'en' ? 'en' : 'nb';
}

type Labels = {
  yes: string;
  no: string;
  leadColumn: Record<LeadColumn, string>;
  leadStatus: Record<LeadStatus, string>;
  audit: {
    id: string;
    at: string;
    actor: string;
    role: string;
    action: string;
    purpose: string;
    targetType: string;
    targetIds: string;
    targetCount: string;
    outcome: string;
    requestId: string;
    ip: string;
    userAgent: string;
    detail: string;
  };
  auditOutcome: Record<AuditOutcome, string>;
  auditPurpose: Record<AuditPurpose, string>;
  auditTargetType: Record<AuditTargetType, string>;
  roles: Record<Role, string>;
  anonymousActor: string;
};

export const EXPORT_LABELS: Record<ExportLanguage, Labels> = {
  nb: {
    yes: 'Ja',
    no: 'Nei',
    leadColumn: {
      id: 'ID',
      createdAt: 'Mottatt',
      name: 'Navn',
      email: 'E-post',
      phone: 'Telefon',
      project: 'Prosjekt',
      subsidiary: 'Datterselskap',
      status: 'Status',
      assignee: 'Ansvarlig',
      consentEmail: 'Samtykke e-post',
      consentSms: 'Samtykke SMS',
      lastActivityAt: 'Sist aktivitet',
      restricted: 'Begrenset',
      legalHold: 'Tilbakehold',
      anonymisedAt: 'Anonymisert',
    },
    leadStatus: {
      new: 'Ny',
      contacted: 'Kontaktet',
      follow_up: 'Oppfølging',
      sold: 'Solgt',
      closed: 'Avsluttet',
    },
    audit: {
      id: 'Oppføring',
      at: 'Tidspunkt',
      actor: 'Bruker',
      role: 'Rolle',
      action: 'Handling',
      purpose: 'Formål',
      targetType: 'Type',
      targetIds: 'Id-er',
      targetCount: 'Antall',
      outcome: 'Utfall',
      requestId: 'Forespørsels-id',
      ip: 'IP-adresse',
      userAgent: 'Nettleser',
      detail: 'Tilleggsinformasjon',
    },
    auditOutcome: { ok: 'OK', denied: 'Avvist', error: 'Feil' },
    auditPurpose: {
      follow_up: 'Oppfølging',
      administration: 'Administrasjon',
      dsr: 'Rettighetsforespørsel',
      audit: 'Revisjon',
      security: 'Sikkerhet',
      intake: 'Mottak',
      marketing: 'Markedsføring',
      retention: 'Sletting',
    },
    auditTargetType: {
      lead: 'lead',
      user: 'bruker',
      session: 'økt',
      subsidiary: 'datterselskap',
      project: 'prosjekt',
      access_log: 'tilgangslogg',
      policy: 'personvernerklæring',
      dsr: 'rettighetsforespørsel',
      view: 'lagret visning',
    },
    roles: {
      admin: 'Administrator',
      privacy_officer: 'Personvernrådgiver',
      subsidiary_user: 'Datterselskapsbruker',
      auditor: 'Revisor',
    },
    anonymousActor: 'Ikke innlogget',
  },
  en: {
    yes: 'Yes',
    no: 'No',
    leadColumn: {
      id: 'ID',
      createdAt: 'Received',
      name: 'Name',
      email: 'Email',
      phone: 'Phone',
      project: 'Project',
      subsidiary: 'Subsidiary',
      status: 'Status',
      assignee: 'Assignee',
      consentEmail: 'Email consent',
      consentSms: 'SMS consent',
      lastActivityAt: 'Last activity',
      restricted: 'Restricted',
      legalHold: 'Legal hold',
      anonymisedAt: 'Anonymised',
    },
    leadStatus: {
      new: 'New',
      contacted: 'Contacted',
      follow_up: 'Follow-up',
      sold: 'Sold',
      closed: 'Closed',
    },
    audit: {
      id: 'Entry',
      at: 'Time',
      actor: 'User',
      role: 'Role',
      action: 'Action',
      purpose: 'Purpose',
      targetType: 'Type',
      targetIds: 'Ids',
      targetCount: 'Count',
      outcome: 'Outcome',
      requestId: 'Request id',
      ip: 'IP address',
      userAgent: 'Browser',
      detail: 'Details',
    },
    auditOutcome: { ok: 'OK', denied: 'Denied', error: 'Error' },
    auditPurpose: {
      follow_up: 'Follow-up',
      administration: 'Administration',
      dsr: 'Data subject request',
      audit: 'Audit',
      security: 'Security',
      intake: 'Intake',
      marketing: 'Marketing',
      retention: 'Retention',
    },
    auditTargetType: {
      lead: 'lead',
      user: 'user',
      session: 'session',
      subsidiary: 'subsidiary',
      project: 'project',
      access_log: 'access log',
      policy: 'privacy policy',
      dsr: 'data subject request',
      view: 'saved view',
    },
    roles: {
      admin: 'Administrator',
      privacy_officer: 'Privacy officer',
      subsidiary_user: 'Subsidiary user',
      auditor: 'Auditor',
    },
    anonymousActor: 'Not signed in',
  },
};

/** A value from an open set (the log keeps strings): its label, or the value itself. */
export function labelOf(table: Record<string, string>, value: string | null): string {
  if (value === null) return '';
  return Object.hasOwn(table, value) ? (table[value] ?? value) : value;
}
