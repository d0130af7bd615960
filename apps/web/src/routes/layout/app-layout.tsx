import { Anchor, AppShell, Burger, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { PaletteButton } from '../../components/command-palette/palette-button';
import { useAuth } from '../../lib/auth';
import { useHydrating } from '../../lib/hydrating';
import { requestHeadingFocus } from '../../lib/page-title';
import { useTranslation } from '../../lib/use-translation';
import { LanguageSwitcher } from './language-switcher';
import { NavLinks } from './nav-links';
import { DeferredUserMenu } from './user-menu-trigger';

// Both load after the first paint: neither is needed to show a page, and together they weigh
// ~20 KB gzip on every first load (issue 11's budget). Ctrl+K works once the palette is in.
const CommandPalette = lazy(async () => ({
  default: (await import('../../components/command-palette/command-palette')).CommandPalette,
}));
const SessionDialog = lazy(async () => ({
  default: (await import('../auth/session-dialog')).SessionDialog,
}));

export function AppLayout() {
  const { t } = useTranslation();
  const [navOpened, { toggle, close }] = useDisclosure(false);
  const { expired } = useAuth();
  // The closed palette draws nothing, yet rendering it was ~4 % of the server's drawing of a
  // page (decision 045): it mounts right after hydration instead (Ctrl+K works from then on, as
  // before, once its code is in). Rendering nothing on the server and while hydrating keeps the
  // hydration clean.
  const hydrating = useHydrating();
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(true);
  // A new page (not a new filter on the same page) moves focus to its heading, as a full
  // page load would for a screen reader. The first page of a visit keeps the browser's focus.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every change of path
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    requestHeadingFocus(main.current);
  }, [pathname]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <Anchor href="#main" className="skip-link">
        {t('app.skipToContent')}
      </Anchor>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t(navOpened ? 'nav.close' : 'nav.open')}
              aria-expanded={navOpened}
              aria-controls="main-navigation"
            />
            <Anchor component={Link} to="/" underline="never" c="inherit">
              <Group gap={8} wrap="nowrap">
                <img src="/favicon.svg" alt="" width={28} height={28} />
                <Text fw={700} size="lg" style={{ whiteSpace: 'nowrap' }}>
                  MG Leads
                </Text>
              </Group>
            </Anchor>
          </Group>
          <Group gap="xs" wrap="nowrap">
            <PaletteButton />
            <LanguageSwitcher />
            <DeferredUserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar id="main-navigation" p="sm" aria-label={t('nav.label')} component="nav">
        {/* The browser's own scrolling: Mantine's ScrollArea brings floating-ui (16 KB gzip)
            into every signed-in first load (issue 11). */}
        <div style={{ flex: 1, minHeight: 0, overflowY: 'auto' }}>
          <NavLinks onNavigate={close} />
        </div>
      </AppShell.Navbar>
      <AppShell.Main ref={main} id="main" tabIndex={-1} bg="gray.0">
        <Outlet />
      </AppShell.Main>
      <Suspense fallback={null}>
        {expired ? <SessionDialog /> : hydrating ? null : <CommandPalette />}
      </Suspense>
    </AppShell>
  );
}
