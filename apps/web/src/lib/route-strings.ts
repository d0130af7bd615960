import type nb from '../locales/nb.json';
import { i18n } from './i18n';
import { ROUTE_STRINGS, STRING_GROUPS, type StringGroup } from './i18n-sections';

type Strings = { default: Partial<typeof nb> };

/** One chunk per group, cut from nb.json at build time (build/locale-sections.ts). */
const NB_GROUPS: Record<StringGroup, () => Promise<Strings>> = {
  account: () => import('virtual:strings/nb/account'),
  audience: () => import('virtual:strings/nb/audience'),
  audit: () => import('virtual:strings/nb/audit'),
  dashboard: () => import('virtual:strings/nb/dashboard'),
  lead: () => import('virtual:strings/nb/lead'),
  leads: () => import('virtual:strings/nb/leads'),
  policy: () => import('virtual:strings/nb/policy'),
  processing: () => import('virtual:strings/nb/processing'),
  projects: () => import('virtual:strings/nb/projects'),
  requests: () => import('virtual:strings/nb/requests'),
  retention: () => import('virtual:strings/nb/retention'),
  sessions: () => import('virtual:strings/nb/sessions'),
  subject: () => import('virtual:strings/nb/subject'),
  subsidiaries: () => import('virtual:strings/nb/subsidiaries'),
  users: () => import('virtual:strings/nb/users'),
};

const loaded = new Map<StringGroup, Promise<void>>();

/**
 * Adds a group's Norwegian strings, once. Norwegian even when English is shown: it is the
 * fallback, and a later switch back to Norwegian needs the screen's strings at once. A failed
 * fetch is forgotten so that the next navigation tries again.
 */
export function loadStringGroup(group: StringGroup): Promise<void> {
  let pending = loaded.get(group);
  if (!pending) {
    pending = NB_GROUPS[group]().then(
      ({ default: strings }) => {
        i18n.addResourceBundle('nb', 'translation', strings, true, true);
      },
      (error: unknown) => {
        loaded.delete(group);
        throw error;
      },
    );
    loaded.set(group, pending);
  }
  return pending;
}

function groupsFor(path: string): StringGroup[] {
  const route = ROUTE_STRINGS[path];
  if (route) return route.group ? [route.group] : [];
  // Not listed: everything, so a new screen never shows a raw key (only costs bytes).
  return Object.keys(STRING_GROUPS).filter((group): group is StringGroup => group in NB_GROUPS);
}

/**
 * The strings a lazy screen at `path` (its full pattern, as in ROUTE_STRINGS) waits for beside
 * its code, so that it renders only once its text is there: no raw key ("leads.title") ever
 * shows.
 */
export async function loadRouteStrings(path: string): Promise<void> {
  await Promise.all(groupsFor(path).map((group) => loadStringGroup(group)));
}
