/**
 * Which top-level sections of the translations (src/locales/nb.json) each part of the app
 * needs (issue 11: first-load JavaScript). The Norwegian strings were 17 KB gzip on every
 * first load; now the entry carries only `CORE_SECTIONS` and each screen's own sections come
 * as a small chunk of their own, fetched together with the screen's code
 * (`loadRouteStrings` in lib/route-strings.ts). The chunks are cut from the same nb.json at build
 * time (build/locale-sections.ts), so keys and components stay as they are.
 *
 * `i18n-sections.test.ts` reads every screen's source and fails when one uses a section that
 * is neither in the core nor in its group: add the section here then.
 */

/** Strings of everything in the entry: sign-in, the layout, errors, palette, session dialog. */
export const CORE_SECTIONS = [
  'app',
  'auth',
  'common',
  'errors',
  'language',
  'lead',
  'leadStatus',
  'nav',
  'noAccess',
  'notFound',
  'palette',
  'roles',
  'session',
  'user',
  'validation',
] as const;

/** One chunk per group: the sections a screen needs beyond the core. */
export const STRING_GROUPS = {
  account: ['account', 'setPassword', 'users'],
  audience: ['audience', 'consent'],
  audit: [
    'audit',
    'auditAction',
    'auditOutcome',
    'auditPurpose',
    'auditPurposeRequest',
    'auditTargetType',
    'filters',
    'verifyReason',
  ],
  dashboard: ['dashboard', 'leads', 'linkProblem', 'requests'],
  lead: [
    'activityKind',
    'auditPurpose',
    'auditPurposeRequest',
    'consent',
    'disclosureKind',
    'feedback',
    'forwarding',
    'leadSource',
    'leads',
    'outboxKind',
  ],
  leads: ['consent', 'export', 'exportPurpose', 'leadColumn', 'leads', 'linkProblem', 'views'],
  policy: ['policy'],
  processing: ['processing'],
  projects: ['projectStatus', 'projects'],
  requests: ['requests'],
  retention: ['retention'],
  sessions: ['sessions'],
  subject: [
    'auditOutcome',
    'auditPurpose',
    'auditPurposeRequest',
    'consent',
    'disclosureKind',
    'subject',
  ],
  subsidiaries: ['projectStatus', 'projects', 'subsidiaries', 'userStatus', 'users'],
  users: ['userStatus', 'users'],
} as const satisfies Record<string, readonly string[]>;

export type StringGroup = keyof typeof STRING_GROUPS;

/**
 * The lazy screens of src/router.tsx by their full path, with the module that renders them
 * (for the test) and their group. A lazy route missing here still works: it waits for every
 * group (see `loadRouteStrings`), which only costs bytes.
 */
export const ROUTE_STRINGS: Record<string, { module: string; group?: StringGroup }> = {
  '/': { module: 'routes/layout/app-layout' },
  '/login/code': { module: 'routes/auth/code-page' },
  '/enrol': { module: 'routes/auth/enrol-page', group: 'account' },
  '/set-password': { module: 'routes/auth/set-password-page', group: 'account' },
  '/forgot-password': { module: 'routes/auth/forgot-page' },
  '/dashboard': { module: 'routes/dashboard/dashboard-page', group: 'dashboard' },
  '/leads': { module: 'routes/leads/leads-page', group: 'leads' },
  '/leads/:id': { module: 'routes/leads/lead-detail-page', group: 'lead' },
  '/projects': { module: 'routes/projects/projects-page', group: 'projects' },
  '/projects/:id': { module: 'routes/projects/project-detail-page', group: 'projects' },
  '/subsidiaries': { module: 'routes/subsidiaries/subsidiaries-page', group: 'subsidiaries' },
  '/subsidiaries/:id': {
    module: 'routes/subsidiaries/subsidiary-detail-page',
    group: 'subsidiaries',
  },
  '/audience': { module: 'routes/audience/audience-page', group: 'audience' },
  '/retention': { module: 'routes/retention/retention-page', group: 'retention' },
  '/requests': { module: 'routes/requests/requests-page', group: 'requests' },
  '/requests/:id': { module: 'routes/requests/request-page', group: 'requests' },
  '/requests/:id/subject': { module: 'routes/requests/subject/subject-page', group: 'subject' },
  '/processing': { module: 'routes/processing/processing-page', group: 'processing' },
  '/policy': { module: 'routes/policy/policy-page', group: 'policy' },
  '/audit': { module: 'routes/audit/audit-page', group: 'audit' },
  '/users': { module: 'routes/users/users-page', group: 'users' },
  '/account': { module: 'routes/account/account-page', group: 'account' },
  '/sessions': { module: 'routes/sessions/sessions-page', group: 'sessions' },
};
