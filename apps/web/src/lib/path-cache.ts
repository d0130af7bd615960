/**
 * A function of a URL's path, remembered for the last `size` paths (oldest out first). For
 * what depends on the path alone and never changes while the app runs: the routes a path
 * matches (router.tsx). React Router flattens and ranks the whole route tree on every
 * `matchRoutes` call, and a page matched it several times per render (decision 045).
 * Callers get the same value for the same path: they must read it, never write it.
 */
export function pathCache<T>(compute: (pathname: string) => T, size: number): (at: string) => T {
  const kept = new Map<string, T>();
  return (at) => {
    const pathname = pathOf(at);
    if (kept.has(pathname)) return kept.get(pathname) as T;
    const value = compute(pathname);
    // A Map iterates in insertion order: its first key is the oldest.
    if (kept.size >= size) {
      const oldest = kept.keys().next();
      if (!oldest.done) kept.delete(oldest.value);
    }
    kept.set(pathname, value);
    return value;
  };
}

/** The path of a path-and-query (and fragment); "/" for an empty one. */
export function pathOf(at: string): string {
  const end = at.search(/[?#]/);
  return (end < 0 ? at : at.slice(0, end)) || '/';
}
