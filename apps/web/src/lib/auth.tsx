import { hasPermission, type Permission } from '@mg/shared';
import { hashKey, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { isSessionError } from './api-error';
import { createSessionRetry, type SessionRetry } from './session-retry';
import { type RouterOutputs, useTRPC } from './trpc';

export type Me = NonNullable<RouterOutputs['auth']['me']>;
export type CurrentUser = Me['user'];

/** Why the last session ended in this tab: the login page explains it. */
export type SessionEnd = 'logout' | 'expired';

type AuthState = {
  status: 'pending' | 'error' | 'success';
  me: Me | null;
  error: unknown;
  sessionEnd: SessionEnd | null;
  /**
   * The session ended under a signed-in page (idle timeout, revoked elsewhere). The page
   * stays, with its unsaved input, under a sign-in dialog; `me` is still the user who was
   * signed in, so nothing navigates away.
   */
  expired: boolean;
  /** Changes kept to be sent again once the same user has signed in. */
  pendingChanges: () => number;
  /**
   * After the dialog signed in again: the same user gets the page back with the kept changes
   * sent; anyone else starts afresh (nothing of the previous user's is kept or sent).
   */
  resumeSession: () => Promise<void>;
  refetch: () => void;
  /** Forgets the user and every cached record, e.g. after logout. */
  clearSession: (reason: SessionEnd) => void;
  /** Loads the new user after login, dropping anything cached for the previous one. */
  startSession: () => Promise<void>;
};

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Not audited, so it may check on focus whether the session ended while the tab was away.
  const meQuery = useQuery({
    ...trpc.auth.me.queryOptions(),
    staleTime: 60_000,
    refetchOnWindowFocus: true,
  });
  const { refetch } = meQuery;

  const meKey = useMemo(() => trpc.auth.me.queryKey(), [trpc]);
  const meHash = hashKey(meKey);

  const dropPrivateData = useCallback(() => {
    queryClient.removeQueries({ predicate: (query) => query.queryHash !== meHash });
  }, [queryClient, meHash]);

  const [sessionEnd, setSessionEnd] = useState<SessionEnd | null>(null);

  // The last fully signed-in user of this tab. When the session ends on the server, `me`
  // turns null (or an UNAUTHORIZED answer arrives); this user is then kept on screen behind
  // the sign-in dialog instead of being sent to the login page with the page's work lost.
  const lastUser = useRef<Me | null>(null);
  const [expiredFlag, setExpiredFlag] = useState(false);
  const data = meQuery.data;
  if (data?.stage === 'full' && !expiredFlag) lastUser.current = data;
  const held = lastUser.current;
  // `data` undefined is a first load still on its way, not an ended session.
  const expired =
    held !== null &&
    (expiredFlag || data === null || (data !== undefined && data.stage !== 'full'));
  const me = expired ? held : (data ?? null);

  const retry = useRef<SessionRetry | null>(null);
  useEffect(() => {
    const sessionRetry = createSessionRetry(queryClient);
    retry.current = sessionRetry;
    return () => {
      sessionRetry.stop();
      retry.current = null;
    };
  }, [queryClient]);

  const clearSession = useCallback(
    (reason: SessionEnd) => {
      lastUser.current = null;
      retry.current?.discard();
      setExpiredFlag(false);
      setSessionEnd(reason);
      queryClient.setQueryData(meKey, null);
      dropPrivateData();
    },
    [queryClient, meKey, dropPrivateData],
  );

  const startSession = useCallback(async () => {
    lastUser.current = null;
    retry.current?.discard();
    setExpiredFlag(false);
    setSessionEnd(null);
    dropPrivateData();
    await queryClient.fetchQuery({ ...trpc.auth.me.queryOptions(), staleTime: 0 });
  }, [queryClient, trpc, dropPrivateData]);

  const resumeSession = useCallback(async () => {
    const previous = lastUser.current;
    const fresh = await queryClient.fetchQuery({ ...trpc.auth.me.queryOptions(), staleTime: 0 });
    // Someone else, or the same person with another role or subsidiary (a role change ends
    // every session): what the page shows and the kept changes belong to the old access.
    const same =
      previous !== null &&
      fresh?.stage === 'full' &&
      fresh.user.id === previous.user.id &&
      fresh.user.role === previous.user.role &&
      fresh.user.subsidiaryId === previous.user.subsidiaryId;
    if (!same) {
      await startSession();
      return;
    }
    lastUser.current = fresh;
    setExpiredFlag(false);
    await retry.current?.retry();
  }, [queryClient, trpc, startSession]);

  // A session can end on the server at any moment (idle timeout, revoked in another tab).
  // Under a signed-in page that opens the sign-in dialog; elsewhere (half-way through the
  // second step, say) the user is signed out here too and the guard sends them to login.
  useEffect(() => {
    const onError = (error: unknown) => {
      if (!isSessionError(error)) return;
      if (lastUser.current) {
        setExpiredFlag(true);
        return;
      }
      if (queryClient.getQueryData(meKey) === null) return;
      clearSession('expired');
    };
    const stopQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') onError(event.action.error);
    });
    const stopMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type === 'updated' && event.action.type === 'error') onError(event.action.error);
    });
    return () => {
      stopQueries();
      stopMutations();
    };
  }, [queryClient, meKey, clearSession]);

  const value = useMemo<AuthState>(
    () => ({
      // A refetch of `me` that failed while the page is held is the dialog's business.
      status: expired ? 'success' : meQuery.status,
      me,
      error: meQuery.error,
      sessionEnd,
      expired,
      pendingChanges: () => retry.current?.pending() ?? 0,
      resumeSession,
      refetch: () => void refetch(),
      clearSession,
      startSession,
    }),
    [
      meQuery.status,
      me,
      meQuery.error,
      sessionEnd,
      expired,
      resumeSession,
      refetch,
      clearSession,
      startSession,
    ],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const state = useContext(AuthContext);
  if (!state) throw new Error('useAuth must be used inside <AuthProvider>');
  return state;
}

/** The signed-in user; only for components rendered behind the auth guard. */
export function useCurrentUser(): CurrentUser {
  const { me } = useAuth();
  if (!me) throw new Error('useCurrentUser used outside the signed-in area');
  return me.user;
}

/** What to show. The server still decides what is allowed. */
export function useCan(permission: Permission): boolean {
  const { me } = useAuth();
  return hasPermission(me?.user.role, permission);
}
