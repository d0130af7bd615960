import type { Mutation, QueryClient } from '@tanstack/react-query';
import { isSessionError } from './api-error';

// `Mutation` with the variance of its options erased: the cache holds every kind of mutation.
// biome-ignore lint/suspicious/noExplicitAny: the cache itself types its mutations this way
type AnyMutation = Mutation<any, any, any, any>;

export type SessionRetry = {
  /** Changes the user tried to save after the session ended, oldest first. */
  pending(): number;
  /**
   * After signing in again: re-runs each kept change with the same variables, through its own
   * options (so the page's success handling and toasts run as if the first try had worked),
   * then refetches the reads that failed while signed out.
   */
  retry(): Promise<void>;
  /** Another user signs in, or the user gives up: nothing is sent on the old user's behalf. */
  discard(): void;
  stop(): void;
};

/**
 * Keeps the mutations that failed because the session ended, so none of the user's work is
 * lost to an idle timeout. A request refused as UNAUTHORIZED never reached the procedure
 * (the session check comes first), so sending it again cannot apply a change twice.
 */
export function createSessionRetry(queryClient: QueryClient): SessionRetry {
  const failed: AnyMutation[] = [];
  const stop = queryClient.getMutationCache().subscribe((event) => {
    if (event.type !== 'updated' || event.action.type !== 'error') return;
    if (!isSessionError(event.action.error)) return;
    if (!failed.includes(event.mutation)) failed.push(event.mutation);
  });

  return {
    pending: () => failed.length,
    async retry() {
      const kept = failed.splice(0);
      for (const mutation of kept) {
        // One after another, in the order the user made them (status before its undo, say).
        // A failure is shown by the mutation's own onError, like any other failed save.
        await mutation.execute(mutation.state.variables).catch(() => undefined);
      }
      await queryClient.refetchQueries({
        type: 'active',
        predicate: (query) => query.state.status === 'error' && isSessionError(query.state.error),
      });
    },
    discard() {
      failed.length = 0;
    },
    stop,
  };
}
