import { type ComponentType, lazy, Suspense, useEffect, useState } from 'react';

/**
 * A component whose code is fetched just after the page's first paint instead of with it
 * (issue 11: menus, dialogs and tooltips bring floating-ui, focus traps, scroll locks and
 * forms that a page does not need to show its content). `Placeholder` stands in until the
 * code is there: for a button, a look-alike marked `aria-disabled`, so a click that comes
 * too early waits for the real one (people see the same button; Playwright waits too).
 *
 * `load` must import a module of our own (components/lazy/…, or the screen's file): a
 * dynamic import of a library barrel that is also imported statically keeps all of it in
 * the entry (docs/decisions/017-first-load-by-screen.md).
 */
export function afterPaint<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
  Placeholder: ComponentType<P>,
): ComponentType<P> & { preload: () => Promise<void> } {
  const Real = lazy(load);
  let loaded = false;
  const preload = () =>
    load().then(() => {
      loaded = true;
    });
  function AfterPaint(props: P) {
    const [ready, setReady] = useState(loaded);
    useEffect(() => {
      if (ready) return;
      let mounted = true;
      preload().then(
        () => {
          if (mounted) setReady(true);
        },
        // A chunk that failed to load leaves the placeholder; the next navigation retries.
        () => undefined,
      );
      return () => {
        mounted = false;
      };
    }, [ready]);
    if (!ready) return <Placeholder {...props} />;
    return (
      <Suspense fallback={<Placeholder {...props} />}>
        <Real {...props} />
      </Suspense>
    );
  }
  /**
   * For what mounts only later (a bar shown once rows are ticked): call it after the page's
   * first paint, so the code is there when it shows, instead of arriving a moment after and
   * moving what is under the pointer.
   */
  AfterPaint.preload = preload;
  return AfterPaint;
}
