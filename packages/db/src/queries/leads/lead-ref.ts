declare const leadRefBrand: unique symbol;

/**
 * A lead the caller is known to hold: only a scoped read (getLead, leadsForUpdate,
 * leadsInScope), the insert that created it, or a capability lookup (the intake key, the
 * unsubscribe token) hands one out. Every helper that reads or writes one lead's history,
 * consent, outbox or notes takes a LeadRef instead of an id, so a lead id straight from the
 * request cannot reach them without passing the scope first.
 */
export type LeadRef = { readonly id: number; readonly [leadRefBrand]: true };

/**
 * Marks rows as held. Only the query modules above call it; it is not exported from the
 * package (index.ts exports the type only).
 */
export function asLeadRef<T extends { id: number }>(row: T): T & LeadRef {
  return row as T & LeadRef;
}
