import { createBrowserRouter, type HydrationState, type RouteObject } from 'react-router';
import { FullPageLoader } from './components/query-states';
import { leadLoader, leadsLoader } from './lib/prefetch';
import { withRouteStrings } from './lib/route-strings';
import { LoginPage } from './routes/auth/login-page';
import { RequireAuth } from './routes/auth/require-auth';
import { RequirePermission } from './routes/auth/require-permission';
import { LandingRedirect } from './routes/layout/landing-redirect';
import { NotFoundPage } from './routes/layout/not-found-page';
import { RouteErrorPage } from './routes/layout/route-error-page';

// Each screen area is its own chunk, loaded the first time someone opens it, with its strings.
const routes: RouteObject[] = [
  {
    path: '/login',
    element: <LoginPage />,
    errorElement: <RouteErrorPage />,
    hydrateFallbackElement: <FullPageLoader />,
  },
  {
    path: '/login/code',
    errorElement: <RouteErrorPage />,
    hydrateFallbackElement: <FullPageLoader />,
    lazy: async () => ({ Component: (await import('./routes/auth/code-page')).CodePage }),
  },
  {
    path: '/enrol',
    errorElement: <RouteErrorPage />,
    hydrateFallbackElement: <FullPageLoader />,
    lazy: async () => ({ Component: (await import('./routes/auth/enrol-page')).EnrolPage }),
  },
  {
    path: '/set-password',
    errorElement: <RouteErrorPage />,
    hydrateFallbackElement: <FullPageLoader />,
    lazy: async () => ({
      Component: (await import('./routes/auth/set-password-page')).SetPasswordPage,
    }),
  },
  {
    path: '/forgot-password',
    errorElement: <RouteErrorPage />,
    hydrateFallbackElement: <FullPageLoader />,
    lazy: async () => ({ Component: (await import('./routes/auth/forgot-page')).ForgotPage }),
  },
  {
    path: '/',
    // The signed-in shell is a chunk of its own, fetched beside the screen's: the sign-in page
    // does without it (issue 11).
    lazy: async () => {
      const { AppLayout } = await import('./routes/layout/app-layout');
      return {
        element: (
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        ),
      };
    },
    errorElement: <RouteErrorPage />,
    hydrateFallbackElement: <FullPageLoader />,
    children: [
      { index: true, element: <LandingRedirect /> },
      {
        path: 'dashboard',
        element: <RequirePermission permission="dashboard:read" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/dashboard/dashboard-page')).DashboardPage,
            }),
          },
        ],
      },
      {
        path: 'leads',
        element: <RequirePermission permission="lead:read" />,
        children: [
          {
            index: true,
            // Named: the browser tells the router this loader has run when it hydrates the
            // server's HTML (main.tsx).
            id: 'leads',
            // Starts the grid's data while the page's code loads (lib/prefetch.ts).
            loader: leadsLoader,
            lazy: async () => ({
              Component: (await import('./routes/leads/leads-page')).LeadsPage,
            }),
          },
          {
            path: ':id',
            id: 'lead',
            loader: leadLoader,
            lazy: async () => ({
              Component: (await import('./routes/leads/lead-detail-page')).LeadDetailPage,
            }),
          },
        ],
      },
      {
        path: 'projects',
        element: <RequirePermission permission="project:read" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/projects/projects-page')).ProjectsPage,
            }),
          },
          {
            path: ':id',
            lazy: async () => ({
              Component: (await import('./routes/projects/project-detail-page')).ProjectDetailPage,
            }),
          },
        ],
      },
      {
        path: 'subsidiaries',
        element: <RequirePermission permission="subsidiary:read" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/subsidiaries/subsidiaries-page')).SubsidiariesPage,
            }),
          },
          {
            path: ':id',
            lazy: async () => ({
              Component: (await import('./routes/subsidiaries/subsidiary-detail-page'))
                .SubsidiaryDetailPage,
            }),
          },
        ],
      },
      {
        path: 'audience',
        element: <RequirePermission permission="audience:export" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/audience/audience-page')).AudiencePage,
            }),
          },
        ],
      },
      {
        path: 'retention',
        element: <RequirePermission permission="retention:manage" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/retention/retention-page')).RetentionPage,
            }),
          },
        ],
      },
      {
        path: 'requests',
        element: <RequirePermission permission="dsr:manage" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/requests/requests-page')).RequestsPage,
            }),
          },
          {
            path: ':id',
            lazy: async () => ({
              Component: (await import('./routes/requests/request-page')).RequestPage,
            }),
          },
          {
            // The subject view: every lead of the request's person, and the actions on them.
            path: ':id/subject',
            lazy: async () => ({
              Component: (await import('./routes/requests/subject/subject-page')).SubjectPage,
            }),
          },
        ],
      },
      {
        path: 'processing',
        element: <RequirePermission permission="processing:read" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/processing/processing-page')).ProcessingPage,
            }),
          },
        ],
      },
      {
        path: 'policy',
        element: <RequirePermission permission="policy:publish" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/policy/policy-page')).PolicyPage,
            }),
          },
        ],
      },
      {
        path: 'audit',
        element: <RequirePermission permission="audit:read" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/audit/audit-page')).AuditPage,
            }),
          },
        ],
      },
      {
        path: 'users',
        element: <RequirePermission permission="user:read" />,
        children: [
          {
            index: true,
            lazy: async () => ({
              Component: (await import('./routes/users/users-page')).UsersPage,
            }),
          },
        ],
      },
      {
        path: 'account',
        lazy: async () => ({
          Component: (await import('./routes/account/account-page')).AccountPage,
        }),
      },
      {
        path: 'sessions',
        lazy: async () => ({
          Component: (await import('./routes/sessions/sessions-page')).SessionsPage,
        }),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

/** The route tree with each screen's strings: the browser's router and the server's render use it. */
export const appRoutes = withRouteStrings(routes);

/**
 * The browser's router. `hydrationData` when the page came rendered by the server: the routes
 * of this URL are resolved already (main.tsx), so it starts on the page the server drew.
 */
export function createRouter(hydrationData?: HydrationState) {
  return createBrowserRouter(appRoutes, hydrationData ? { hydrationData } : undefined);
}
