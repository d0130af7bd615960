import { createTheme, MantineProvider, mergeThemeOverrides } from '@mantine/core';
import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { AuthProvider } from './lib/auth';
import { queryClient, trpcClient } from './lib/prefetch';
import { TRPCProvider } from './lib/trpc';
import { router } from './router';
import { cssVariablesResolver, theme } from './theme';

// The toasts' container (and its transitions) is not needed to paint a page: it arrives just
// after, and a notification shown before it is kept in the store until then (issue 11).
const Notifications = lazy(() => import('./components/lazy/notifications-host'));

export function App() {
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
      cssVariablesResolver={cssVariablesResolver}
    >
      {/* Bottom right, away from the header's user menu; a few at a time, the rest queue. */}
      <Suspense fallback={null}>
        <Notifications position="bottom-right" limit={3} />
      </Suspense>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </TRPCProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
