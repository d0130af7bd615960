import type { Role } from './enums';
import { isSubsidiaryScoped } from './permissions';

declare const scopeBrand: unique symbol;

/**
 * Which records a caller may see. Computed once per request from the session, and only by
 * `scopeFor`: the brand makes a hand-written `{ kind: 'all' }` a type error wherever a query
 * asks for a scope, so no code path can widen its own view of the data.
 */
export type Scope = ({ kind: 'all' } | { kind: 'subsidiary'; subsidiaryId: number }) & {
  readonly [scopeBrand]: true;
};

/** The one place a Scope is made: from the signed-in user's role and subsidiary. */
export function scopeFor(user: { role: Role; subsidiaryId: number | null }): Scope {
  if (isSubsidiaryScoped(user.role)) {
    // A subsidiary user without a subsidiary sees nothing rather than everything.
    return { kind: 'subsidiary', subsidiaryId: user.subsidiaryId ?? -1 } as Scope;
  }
  return { kind: 'all' } as Scope;
}
