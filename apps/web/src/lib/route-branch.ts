import type { RouteMatch, RouteObject } from 'react-router';

const branches = new WeakMap<RouteObject, RouteObject[]>();

/**
 * The one branch of a route tree that `matches` went down, as a tree of its own: each matched
 * route (the same element, handle and path) with the next one as its only child. `useRoutes`
 * flattens and ranks every route of the tree it is given on each render (~5 % of the server's
 * drawing of a page, decision 052); given this branch it ranks a handful and finds the same
 * matches. Kept per leaf route (a route has one parent chain), so a path's branch is the same
 * object on every render. No match: the whole tree (its catch-all decides).
 */
export function branchOf(matches: readonly RouteMatch[], tree: RouteObject[]): RouteObject[] {
  const leaf = matches[matches.length - 1]?.route;
  if (!leaf) return tree;
  let branch = branches.get(leaf);
  if (!branch) {
    let child: RouteObject | undefined;
    for (let at = matches.length - 1; at >= 0; at--) {
      const route = (matches[at] as RouteMatch).route;
      child = route.index
        ? { ...route }
        : ({ ...route, children: child ? [child] : undefined } as RouteObject);
    }
    branch = child ? [child] : tree;
    branches.set(leaf, branch);
  }
  return branch;
}
