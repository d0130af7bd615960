import { Component, type ComponentType, type ReactNode, Suspense, use } from 'react';
import {
  type Location,
  matchRoutes,
  type Params,
  type RouteObject,
  useLocation,
  useRoutes,
} from 'react-router';
import { FullPageLoader } from './components/query-states';
import { type LazyScreen, lazyScreen } from './lib/lazy-screen';
import { pathCache } from './lib/path-cache';
import { leadLoader, leadsLoader } from './lib/prefetch';
import { branchOf } from './lib/route-branch';
import { loadRouteStrings } from './lib/route-strings';
import { LoginPage } from './routes/auth/login-page';
import { RequireAuth } from './routes/auth/require-auth';
import { RequirePermission } from './routes/auth/require-permission';
import { LandingRedirect } from './routes/layout/landing-redirect';
import { NotFoundPage } from './routes/layout/not-found-page';
import { RouteErrorPage } from './routes/layout/route-error-page';

/**
 * A route of the app. React Router runs in its declarative mode (decision 034): its data
 * router (loaders, lazy routes, error elements) cost ~18 KB of gzip on every first load, and
 * the app used only two of its loaders, which only start requests. What the data router did
 * for us is done here instead:
 * - `lazy`: the screen's module, fetched the first time the route matches, side by side with
 *   its strings (lib/route-strings.ts) and with the other matched routes' code (AppRoutes);
 *   the screen suspends until all of it is there, and a navigation (a transition in
 *   BrowserRouter) keeps the previous page on screen meanwhile;
 * - `prefetch`: starts the page's data at navigation, beside its code (lib/prefetch.ts);
 * - one error boundary for every route (RouteErrorBoundary).
 */
type AppRoute = {
  path?: string;
  index?: true;
  element?: ReactNode;
  lazy?: () => Promise<ComponentType>;
  /** Renders around the lazy screen (already while its code loads). */
  around?: ComponentType<{ children: ReactNode }>;
  prefetch?: (url: URL, params: Params) => void;
  children?: AppRoute[];
};

// Each screen area is its own chunk, loaded the first time someone opens it, with its strings.
const routes: AppRoute[] = [
  {
    path: '/login',
    element: <LoginPage />,
  },
  {
    path: '/login/code',
    lazy: async () => (await import('./routes/auth/code-page')).CodePage,
  },
  {
    path: '/enrol',
    lazy: async () => (await import('./routes/auth/enrol-page')).EnrolPage,
  },
  {
    path: '/set-password',
    lazy: async () => (await import('./routes/auth/set-password-page')).SetPasswordPage,
  },
  {
    path: '/forgot-password',
    lazy: async () => (await import('./routes/auth/forgot-page')).ForgotPage,
  },
  {
    path: '/',
    // The signed-in shell is a chunk of its own, fetched beside the screen's: the sign-in page
    // does without it (issue 11).
    lazy: async () => (await import('./routes/layout/app-layout')).AppLayout,
    around: RequireAuth,
    children: [
      { index: true, element: <LandingRedirect /> },
      {
        path: 'dashboard',
        element: <RequirePermission permission="dashboard:read" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/dashboard/dashboard-page')).DashboardPage,
          },
        ],
      },
      {
        path: 'leads',
        element: <RequirePermission permission="lead:read" />,
        children: [
          {
            index: true,
            // Starts the grid's data while the page's code loads (lib/prefetch.ts).
            prefetch: leadsLoader,
            lazy: async () => (await import('./routes/leads/leads-page')).LeadsPage,
          },
          {
            path: ':id',
            prefetch: leadLoader,
            lazy: async () => (await import('./routes/leads/lead-detail-page')).LeadDetailPage,
          },
        ],
      },
      {
        path: 'projects',
        element: <RequirePermission permission="project:read" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/projects/projects-page')).ProjectsPage,
          },
          {
            path: ':id',
            lazy: async () =>
              (await import('./routes/projects/project-detail-page')).ProjectDetailPage,
          },
        ],
      },
      {
        path: 'subsidiaries',
        element: <RequirePermission permission="subsidiary:read" />,
        children: [
          {
            index: true,
            lazy: async () =>
              (await import('./routes/subsidiaries/subsidiaries-page')).SubsidiariesPage,
          },
          {
            path: ':id',
            lazy: async () =>
              (await import('./routes/subsidiaries/subsidiary-detail-page')).SubsidiaryDetailPage,
          },
        ],
      },
      {
        path: 'audience',
        element: <RequirePermission permission="audience:export" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/audience/audience-page')).AudiencePage,
          },
        ],
      },
      {
        path: 'retention',
        element: <RequirePermission permission="retention:manage" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/retention/retention-page')).RetentionPage,
          },
        ],
      },
      {
        path: 'requests',
        element: <RequirePermission permission="dsr:manage" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/requests/requests-page')).RequestsPage,
          },
          {
            path: ':id',
            lazy: async () => (await import('./routes/requests/request-page')).RequestPage,
          },
          {
            // The subject view: every lead of the request's person, and the actions on them.
            path: ':id/subject',
            lazy: async () => (await import('./routes/requests/subject/subject-page')).SubjectPage,
          },
        ],
      },
      {
        path: 'processing',
        element: <RequirePermission permission="processing:read" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/processing/processing-page')).ProcessingPage,
          },
        ],
      },
      {
        path: 'policy',
        element: <RequirePermission permission="policy:publish" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/policy/policy-page')).PolicyPage,
          },
        ],
      },
      {
        path: 'audit',
        element: <RequirePermission permission="audit:read" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/audit/audit-page')).AuditPage,
          },
        ],
      },
      {
        path: 'users',
        element: <RequirePermission permission="user:read" />,
        children: [
          {
            index: true,
            lazy: async () => (await import('./routes/users/users-page')).UsersPage,
          },
        ],
      },
      {
        path: 'account',
        lazy: async () => (await import('./routes/account/account-page')).AccountPage,
      },
      {
        path: 'sessions',
        lazy: async () => (await import('./routes/sessions/sessions-page')).SessionsPage,
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

/** What a matched route needs before it can render; kept on React Router's route as `handle`. */
type RouteHandle = { screen?: LazyScreen; prefetch?: AppRoute['prefetch'] };

/**
 * Renders a lazy screen at once when it is there (so a page the server drew hydrates without
 * suspending: main.tsx preloads it first) and suspends on its load otherwise.
 */
function LazyRoute({ screen }: { screen: LazyScreen }) {
  if (!screen.loaded()) use(screen.preload());
  const Loaded = screen.loaded();
  return Loaded ? <Loaded /> : null;
}

function joinPath(parent: string, path: string): string {
  if (path.startsWith('/')) return path;
  return `${parent.replace(/\/$/, '')}/${path}`;
}

function toRouteObjects(appRoutes: AppRoute[], parentPath = ''): RouteObject[] {
  return appRoutes.map((route): RouteObject => {
    const path = route.path === undefined ? parentPath : joinPath(parentPath, route.path);
    const screen = route.lazy ? lazyScreen(route.lazy, () => loadRouteStrings(path)) : undefined;
    const handle: RouteHandle = { screen, prefetch: route.prefetch };
    const Around = route.around;
    const lazyElement = screen && <LazyRoute key={path} screen={screen} />;
    const element = Around ? (
      <Around key={path}>{lazyElement}</Around>
    ) : (
      (lazyElement ?? route.element)
    );
    if (route.index) return { index: true, element, handle };
    return {
      path: route.path,
      element,
      handle,
      children: route.children ? toRouteObjects(route.children, path) : undefined,
    };
  });
}

/** The route tree: the browser's router and the server's render use it. */
const routeObjects = toRouteObjects(routes);

function handleOf(route: RouteObject): RouteHandle {
  return (route.handle ?? {}) as RouteHandle;
}

/**
 * The routes matching a path: React Router ranks the whole tree on every `matchRoutes` call,
 * which was ~5 % of the server's drawing of a page (decision 045); the tree never changes, so
 * neither does a path's answer. Lead pages differ by id; a visit opens a few dozen.
 */
const routeMatches = pathCache((pathname) => matchRoutes(routeObjects, pathname) ?? [], 64);

function pathnameOf(location: Partial<Location> | string | URL): string {
  return typeof location === 'string' ? location : location.pathname || '/';
}

/**
 * Loads the code and strings of every route that matches `location`, side by side (the shell
 * and the screen, never one after the other). Resolves once all of them are there.
 */
export async function preloadRoutes(location: Partial<Location> | string): Promise<void> {
  const matches = routeMatches(pathnameOf(location));
  await Promise.all(matches.map(({ route }) => handleOf(route).screen?.preload(true)));
}

/** Starts the data of the pages that match (their `prefetch`), in the browser only. */
export function prefetchRoutes(url: URL): void {
  for (const { route, params } of routeMatches(pathnameOf(url)))
    handleOf(route).prefetch?.(url, params);
}

const started = new WeakSet<Location>();

/**
 * The app's routes under a router (BrowserRouter in main.tsx, StaticRouter on the server).
 * On each new location it starts the matched routes' code, strings and (with `prefetch`, the
 * browser) data before anything renders, so none waits for another.
 */
export function AppRoutes({ prefetch = false }: { prefetch?: boolean }) {
  const location = useLocation();
  if (!started.has(location)) {
    started.add(location);
    void preloadRoutes(location).catch(() => {
      // The screen's own render shows the failure (RouteErrorBoundary).
    });
    if (prefetch)
      prefetchRoutes(new URL(location.pathname + location.search, window.location.href));
  }
  // The matched branch only: useRoutes ranks whatever tree it is given (lib/route-branch.ts).
  const element = useRoutes(branchOf(routeMatches(location.pathname), routeObjects), location);
  return (
    <RouteErrorBoundary pathname={location.pathname}>
      <Suspense fallback={<FullPageLoader />}>{element}</Suspense>
    </RouteErrorBoundary>
  );
}

type BoundaryProps = { pathname: string; children: ReactNode };
type BoundaryState = { failed: boolean; pathname: string };

/**
 * Last line of defence for a crash while rendering a route, or a screen whose code could not
 * be fetched: never a blank page. Another page (a link in the error page, the back button)
 * tries again.
 */
class RouteErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { failed: false, pathname: this.props.pathname };

  static getDerivedStateFromError(): Partial<BoundaryState> {
    return { failed: true };
  }

  static getDerivedStateFromProps(
    props: BoundaryProps,
    state: BoundaryState,
  ): Partial<BoundaryState> | null {
    return props.pathname === state.pathname ? null : { failed: false, pathname: props.pathname };
  }

  override render() {
    return this.state.failed ? <RouteErrorPage /> : this.props.children;
  }
}
