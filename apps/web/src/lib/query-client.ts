import { QueryClient } from '@tanstack/react-query';
import { shouldRetry } from './api-error';

/** How long an answer counts as fresh: no page asks for it again within this time. */
export const STALE_TIME_MS = 30_000;

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        staleTime: STALE_TIME_MS,
        // Every read of personal data writes an access-log entry. Refetching when the window
        // regains focus would log pages the user already saw, again and again, and bury the
        // real reads for the auditor; data is refetched when the user navigates or changes it.
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}
