export const ROLES = ['admin', 'privacy_officer', 'subsidiary_user', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PROJECT_STATUSES = [
  'planning',
  'pre_sale',
  'on_sale',
  'sold_out',
  'completed',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
/** A project takes interest forms only while it is being planned or sold. */
export const PROJECT_STATUSES_OPEN_FOR_INTAKE: readonly ProjectStatus[] = [
  'planning',
  'pre_sale',
  'on_sale',
];

export const LEAD_STATUSES = ['new', 'contacted', 'follow_up', 'sold', 'closed'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const CONSENT_PURPOSES = ['marketing_email', 'marketing_sms'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/**
 * `double_opt_in`: the person confirmed through the single-use link in a receipt, after a form
 * that ticked consent from an address on the suppression list.
 */
export const CONSENT_SOURCES = [
  'form',
  'unsubscribe_link',
  'staff_on_request',
  'dsr',
  'double_opt_in',
] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * How a suppression entry is keyed: `hmac` (HMAC-SHA-256 under the server's secret) or
 * `sha256`, the plain hash of the e-mail that entries had before the key existed (kept, so no
 * opt-out is lost, until it can be re-keyed from a lead that still holds the address).
 */
export const SUPPRESSION_KINDS = ['hmac', 'sha256'] as const;
export type SuppressionKind = (typeof SUPPRESSION_KINDS)[number];

export const LEAD_SOURCES = ['website_form', 'hosted_form', 'import', 'demo'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export const DISCLOSURE_KINDS = ['intake', 'transfer'] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

export const AUDIT_OUTCOMES = ['ok', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Why personal data was consulted; shown to data subjects in access exports (C-579/21). */
export const AUDIT_PURPOSES = [
  'follow_up',
  'administration',
  'dsr',
  'audit',
  'security',
  'intake',
  'marketing',
  'retention',
] as const;
export type AuditPurpose = (typeof AUDIT_PURPOSES)[number];

export const AUDIT_TARGET_TYPES = [
  'lead',
  'user',
  'session',
  'subsidiary',
  'project',
  'access_log',
  'policy',
  'dsr',
  'view',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

// ---------- lead review workspace ----------

/**
 * Grid sort keys. Each has an index (with and without subsidiary) so keyset pages stay fast;
 * project and assignee walk the project or user names in order, then each one's leads
 * (decision 015).
 */
export const LEAD_SORTS = [
  'createdAt',
  'lastActivityAt',
  'name',
  'email',
  'status',
  'project',
  'assignee',
] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** Columns the grid can show and the CSV export can write: one allow-list for both. */
export const LEAD_COLUMNS = [
  'id',
  'createdAt',
  'name',
  'email',
  'phone',
  'project',
  'subsidiary',
  'status',
  'assignee',
  'consentEmail',
  'consentSms',
  'lastActivityAt',
  'restricted',
  'legalHold',
  'anonymisedAt',
] as const;
export type LeadColumn = (typeof LEAD_COLUMNS)[number];
export const DEFAULT_LEAD_COLUMNS: readonly LeadColumn[] = [
  'name',
  'email',
  'phone',
  'project',
  'status',
  'assignee',
  'createdAt',
];

/** Why leads are exported; a fixed list, so the access log never holds free text. */
export const EXPORT_PURPOSES = ['follow_up', 'reporting', 'handover'] as const;
export type ExportPurpose = (typeof EXPORT_PURPOSES)[number];

export const VIEW_VISIBILITIES = ['personal', 'subsidiary', 'everyone'] as const;
export type ViewVisibility = (typeof VIEW_VISIBILITIES)[number];
