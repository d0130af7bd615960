import { hasPermission, type Permission } from '@mg/shared';
import { hashKey, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { isSessionError } from './api-error';
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

  const clearSession = useCallback(
    (reason: SessionEnd) => {
      setSessionEnd(reason);
      queryClient.setQueryData(meKey, null);
      dropPrivateData();
    },
    [queryClient, meKey, dropPrivateData],
  );

  const startSession = useCallback(async () => {
    setSessionEnd(null);
    dropPrivateData();
    await queryClient.fetchQuery({ ...trpc.auth.me.queryOptions(), staleTime: 0 });
  }, [queryClient, trpc, dropPrivateData]);

  // A session can end on the server at any moment (idle timeout, revoked in another tab):
  // any UNAUTHORIZED answer signs the user out here too, and the guard sends them to login.
  useEffect(() => {
    const onError = (error: unknown) => {
      if (!isSessionError(error) || queryClient.getQueryData(meKey) === null) return;
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
      status: meQuery.status,
      me: meQuery.data ?? null,
      error: meQuery.error,
      sessionEnd,
      refetch: () => void refetch(),
      clearSession,
      startSession,
    }),
    [meQuery.status, meQuery.data, meQuery.error, sessionEnd, refetch, clearSession, startSession],
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
