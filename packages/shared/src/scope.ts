/** Which records a caller may see. Computed once per request from the session. */
export type Scope = { kind: 'all' } | { kind: 'subsidiary'; subsidiaryId: number };
