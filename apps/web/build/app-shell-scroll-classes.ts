/**
 * Mantine's AppShell header, footer and aside import `react-remove-scroll` only to read
 * `RemoveScroll.classNames.zeroRight`, a class name. Importing the package for that brings all
 * of it (4 KB gzip) into the first load of every signed-in page (issue 11). For importers
 * inside AppShell, this resolves the package to a module with the same class names; dialogs
 * (ModalBase, ActionBar) still get the real package, which applies those classes while it
 * locks scrolling. Should a Mantine upgrade read anything else from it in AppShell, the build
 * fails on the missing export instead of shipping something broken.
 */
import type { Plugin } from 'vite';

const SHIM_ID = '\0mg:app-shell-remove-scroll';
/** react-remove-scroll's own values (its `RemoveScroll.classNames`; a test compares them). */
export const REMOVE_SCROLL_CLASS_NAMES = {
  fullWidth: 'width-before-scroll-bar',
  zeroRight: 'right-scroll-bar-position',
};
const SHIM = `export const RemoveScroll = { classNames: ${JSON.stringify(REMOVE_SCROLL_CLASS_NAMES)} };\n`;

export function appShellScrollClasses(): Plugin {
  return {
    name: 'mg-app-shell-scroll-classes',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source !== 'react-remove-scroll' || !importer) return null;
      return /[\\/]@mantine[\\/]core[\\/]esm[\\/]components[\\/]AppShell[\\/]/.test(importer)
        ? SHIM_ID
        : null;
    },
    load(id) {
      return id === SHIM_ID ? SHIM : null;
    },
  };
}
