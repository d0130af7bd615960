/**
 * Whether anyone may work on a lead (status, assignee, notes), and if not, why: restricted
 * leads (GDPR art. 18) may only be stored, and anonymised ones hold nothing to work on. The
 * API refuses with the reason as its domain error code; the web app hides the controls.
 */
export function leadWorkBlock(lead: {
  restricted: boolean;
  anonymisedAt: number | null;
}): 'leadAnonymised' | 'leadRestricted' | null {
  if (lead.anonymisedAt !== null) return 'leadAnonymised';
  if (lead.restricted) return 'leadRestricted';
  return null;
}

export function isLeadWorkable(lead: { restricted: boolean; anonymisedAt: number | null }) {
  return leadWorkBlock(lead) === null;
}
