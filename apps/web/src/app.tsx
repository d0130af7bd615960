import { createTheme, MantineProvider, mergeThemeOverrides } from '@mantine/core';
import type { AppRouter } from '@mg/api';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { TRPCClient } from '@trpc/client';
import { lazy, type ReactNode, Suspense, useMemo } from 'react';
import { AuthProvider } from './lib/auth';
import { TRPCProvider } from './lib/trpc';
import { useTranslation } from './lib/use-translation';
import { theme, themeCssVariables } from './theme';

// The toasts' container (and its transitions) is not needed to paint a page: it arrives just
// after, and a notification shown before it is kept in the store until then (issue 11).
const Notifications = lazy(() => import('./components/lazy/notifications-host'));

/**
 * Everything around the router: the browser passes its one cache and its RouterProvider
 * (main.tsx), the server a cache of its own per request and its static router
 * (entry-server.tsx), so both draw the same tree.
 */
export function App({
  queryClient,
  trpcClient,
  children,
}: {
  queryClient: QueryClient;
  trpcClient: TRPCClient<AppRouter>;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  // Close buttons of notifications and dialogs are icons only: name them in the current language.
  const localTheme = useMemo(
    () =>
      mergeThemeOverrides(
        theme,
        createTheme({
          components: {
            // Plain objects, not `Modal.extend(…)`: that would import the dialog and the toast
            // (and their scroll lock and transitions) into every page's first load (issue 11).
            Notification: {
              defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } },
            },
            Modal: {
              defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } },
            },
          },
        }),
      ),
    [t],
  );

  return (
    <MantineProvider
      theme={localTheme}
      defaultColorScheme="light"
      // Worked out once (theme.ts, with its resolver), not on every render.
      withCssVariables={false}
    >
      {/* Mantine writes the same element; the text is the theme's own, no caller's data. */}
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: constant CSS worked out from the theme at start-up */}
      <style data-mantine-styles dangerouslySetInnerHTML={{ __html: themeCssVariables }} />
      {/* Bottom right, away from the header's user menu; a few at a time, the rest queue. */}
      <Suspense fallback={null}>
        <Notifications position="bottom-right" limit={3} />
      </Suspense>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <AuthProvider>{children}</AuthProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
