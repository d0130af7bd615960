import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlinable } from '../src/lib/inline-styles';
import { createSpaShell } from '../src/lib/spa-shell';

/**
 * A server-drawn page carries its stylesheets in its head (decision 053, lib/inline-styles.ts):
 * nothing to fetch before its first paint, and a disabled link per sheet so that the app's
 * preloader does not load it again.
 */

const INDEX_HTML = `<!doctype html>
<html lang="nb">
  <head>
    <title>MG Leads</title>
    <script type="module" crossorigin src="/assets/index-E.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-E.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`;
const MANIFEST = {
  'index.html': { file: 'assets/index-E.js', isEntry: true, css: ['assets/index-E.css'] },
  'src/routes/layout/app-layout.tsx': {
    file: 'assets/app-layout-A.js',
    isDynamicEntry: true,
    css: ['assets/app-layout-A.css'],
  },
  'src/routes/leads/leads-page.tsx': {
    file: 'assets/leads-page-L.js',
    isDynamicEntry: true,
    css: ['assets/leads-page-L.css', 'assets/remote-R.css'],
  },
};
const CSS: Record<string, string> = {
  'index-E.css': ':root{--mg-index:1}',
  'app-layout-A.css': '.layout{background:url("data:image/svg+xml,%3Csvg%3E%3C/svg%3E")}',
  'leads-page-L.css': '.grid{display:grid}',
  // Relative to the sheet's own URL: inline it would point elsewhere.
  'remote-R.css': '.logo{background:url(logo.png)}',
};
const ME = { stage: 'full', permissions: ['lead:read'] };

let webDist: string;

beforeAll(() => {
  webDist = mkdtempSync(join(tmpdir(), 'mg-inline-styles-'));
  mkdirSync(join(webDist, '.vite'));
  mkdirSync(join(webDist, 'assets'));
  writeFileSync(join(webDist, 'index.html'), INDEX_HTML);
  writeFileSync(join(webDist, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
  for (const [file, css] of Object.entries(CSS)) writeFileSync(join(webDist, 'assets', file), css);
});
afterAll(() => rmSync(webDist, { recursive: true, force: true }));

/** Stylesheet links a browser would load (a disabled one it does not). */
const loadedSheets = (html: string) =>
  [...html.matchAll(/<link rel="stylesheet"[^>]*>/g)]
    .map(([link]) => link)
    .filter((link) => !/\sdisabled[\s>]/.test(link))
    .map((link) => link.match(/href="([^"]+)"/)?.[1]);

function head(path: string, drawable: boolean): string {
  const start = createSpaShell(webDist).start(path, ME, { drawable, language: 'nb' });
  if (!('head' in start)) throw new Error('a signed-in page is streamed');
  return start.head;
}

describe('a drawn page’s stylesheets', () => {
  it('are in its head, each with a disabled link of its URL, and nothing is left to fetch', () => {
    const html = head('/leads', true);
    for (const file of ['index-E.css', 'app-layout-A.css', 'leads-page-L.css']) {
      expect(html).toContain(`<style data-href="/assets/${file}">${CSS[file]}</style>`);
      expect(html).toContain(`<link rel="stylesheet" crossorigin href="/assets/${file}" disabled>`);
    }
    // The one that cannot go inline is fetched as before; nothing else is.
    expect(loadedSheets(html)).toEqual(['/assets/remote-R.css']);
    // In the order the links had: the entry's sheet before the page's.
    expect(html.indexOf('--mg-index')).toBeLessThan(html.indexOf('.grid{'));
  });

  it('stay links on a page the server does not draw', () => {
    const html = head('/leads', false);
    expect(html).not.toContain('<style');
    expect(loadedSheets(html)).toEqual(['/assets/index-E.css']);
    expect(html).toContain(
      '<link rel="preload" as="style" crossorigin href="/assets/leads-page-L.css">',
    );
  });

  it('stay links when the build has no such file', () => {
    rmSync(join(webDist, 'assets', 'index-E.css'));
    try {
      expect(loadedSheets(head('/leads/7', true))).toEqual(['/assets/index-E.css']);
    } finally {
      writeFileSync(join(webDist, 'assets', 'index-E.css'), CSS['index-E.css'] ?? '');
    }
  });
});

describe('inlinable', () => {
  it('takes a sheet whose only URLs are data URLs', () => {
    expect(inlinable('.a{color:red}')).toBe(true);
    expect(inlinable(".a{background:url( 'data:image/png;base64,AAAA')}")).toBe(true);
  });

  it('refuses what would change meaning or end the element inside an HTML page', () => {
    expect(inlinable('.a{background:url(/assets/x.png)}')).toBe(false);
    expect(inlinable('.a{background:url("img/x.png")}')).toBe(false);
    expect(inlinable('.a{background:url(data:x) , url(x.png)}')).toBe(false);
    expect(inlinable('@import "other.css";')).toBe(false);
    expect(inlinable('.a::after{content:"</STYLE><script>"}')).toBe(false);
  });
});
