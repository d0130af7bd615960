import { matchRoutes, type RouteObject } from 'react-router';
import { describe, expect, it } from 'vitest';
import { branchOf } from './route-branch';

// Shaped like the app's tree (router.tsx): a pathless layout, index routes, ids, a catch-all.
const tree: RouteObject[] = [
  { path: '/login', element: 'login' },
  {
    element: 'layout',
    children: [
      { index: true, element: 'landing' },
      {
        path: 'leads',
        element: 'leads-shell',
        children: [
          { index: true, element: 'grid' },
          { path: ':id', element: 'lead' },
          { path: ':id/history', element: 'lead-history' },
          { path: 'new', element: 'new-lead' },
        ],
      },
      { path: 'audit', element: 'audit' },
      { path: 'projects/:slug/*', element: 'project' },
    ],
  },
  { path: '*', element: 'not-found' },
];

const seen = (at: string, routes: RouteObject[]) =>
  (matchRoutes(routes, at) ?? []).map((match) => ({
    element: match.route.element,
    params: match.params,
    pathname: match.pathname,
    pathnameBase: match.pathnameBase,
  }));

describe("a path's branch of the route tree", () => {
  const paths = [
    '/',
    '/login',
    '/leads',
    '/leads/',
    '/leads/12',
    '/leads/12/history',
    '/leads/new',
    '/audit',
    '/projects/oslo/plans/2',
    '/nowhere',
    '/leads/12/nowhere',
  ];

  it('matches every path as the whole tree does', () => {
    for (const at of paths) {
      const branch = branchOf(matchRoutes(tree, at) ?? [], tree);
      expect(seen(at, branch), at).toEqual(seen(at, tree));
      expect(seen(at, branch).length, at).toBeGreaterThan(0);
    }
  });

  it('holds only the routes matched, and is the same object for every path of that leaf', () => {
    const first = branchOf(matchRoutes(tree, '/leads/1') ?? [], tree);
    expect(branchOf(matchRoutes(tree, '/leads/2') ?? [], tree)).toBe(first);
    expect(JSON.stringify(first)).toBe(
      JSON.stringify([
        {
          element: 'layout',
          children: [
            { path: 'leads', element: 'leads-shell', children: [{ path: ':id', element: 'lead' }] },
          ],
        },
      ]),
    );
    expect(branchOf([], tree)).toBe(tree);
  });
});
