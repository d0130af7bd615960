import {
  createTheme,
  MantineProvider,
  Modal,
  mergeThemeOverrides,
  Notification,
} from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { AuthProvider } from './lib/auth';
import { queryClient, trpcClient } from './lib/prefetch';
import { TRPCProvider } from './lib/trpc';
import { router } from './router';
import { cssVariablesResolver, theme } from './theme';

export function App() {
  const { i18n, t } = useTranslation();
  // Close buttons of notifications and dialogs are icons only: name them in the current language.
  const localTheme = useMemo(
    () =>
      mergeThemeOverrides(
        theme,
        createTheme({
          components: {
            Notification: Notification.extend({
              defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } },
            }),
            Modal: Modal.extend({
              defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } },
            }),
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
      <DatesProvider settings={{ locale: i18n.language, firstDayOfWeek: 1 }}>
        {/* Bottom right, away from the header's user menu; a few at a time, the rest queue. */}
        <Notifications position="bottom-right" limit={3} />
        <QueryClientProvider client={queryClient}>
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            <AuthProvider>
              <RouterProvider router={router} />
            </AuthProvider>
          </TRPCProvider>
        </QueryClientProvider>
      </DatesProvider>
    </MantineProvider>
  );
}
