import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { appShellScrollClasses, REMOVE_SCROLL_CLASS_NAMES } from './app-shell-scroll-classes';

// The package as Mantine resolves it (it is Mantine's dependency, not ours).
const fromMantine = createRequire(createRequire(import.meta.url).resolve('@mantine/core'));

describe('the AppShell stand-in for react-remove-scroll', () => {
  it('carries the class names the real package gives its RemoveScroll', () => {
    const { RemoveScroll } = fromMantine('react-remove-scroll') as {
      RemoveScroll: { classNames: Record<string, string> };
    };
    expect(REMOVE_SCROLL_CLASS_NAMES).toEqual(RemoveScroll.classNames);
  });

  it("stands in only for AppShell's imports; dialogs get the real package", () => {
    const plugin = appShellScrollClasses();
    const resolve = plugin.resolveId as (source: string, importer?: string) => string | null;
    const appShell =
      '/x/node_modules/@mantine/core/esm/components/AppShell/AppShellHeader/AppShellHeader.mjs';
    const modal = '/x/node_modules/@mantine/core/esm/components/ModalBase/ModalBase.mjs';
    const shim = resolve('react-remove-scroll', appShell);
    expect(shim).toBeTruthy();
    expect(resolve('react-remove-scroll', modal)).toBeNull();
    expect(resolve('react-remove-scroll-bar', appShell)).toBeNull();
    expect(resolve('react-remove-scroll')).toBeNull();
    const load = plugin.load as (id: string) => string | null;
    expect(load(shim ?? '')).toContain('"zeroRight":"right-scroll-bar-position"');
  });
});
