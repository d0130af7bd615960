import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import {
  type BudgetedRoute,
  FIRST_LOAD_BUDGET_BYTES,
  firstLoad,
} from '../../apps/web/build/first-load';
import { loginAs } from './fixtures';

/**
 * How the built web app reaches the browser (issue 11), no browser needed: the first-load
 * JavaScript of the two pages people open most, read from the build's Vite manifest, and the
 * compression and cache headers the server sends.
 */

const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps/web/dist');
const ROUTES: BudgetedRoute[] = ['/login', '/leads'];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * What the build weighs now where it is well under the budget, so it can only get lighter:
 * libraries placed by route (charts and date pickers off the first load), no phone metadata
 * in the browser, the Norwegian strings cut by screen (lib/i18n-sections.ts), the toasts'
 * container loaded after the first paint, the signed-in shell a chunk of its own, zod and
 * @mantine/form off the sign-in page, menus, dialogs and tooltips after the first paint
 * (decision 023), the entry in one file (028) and React Router's declarative mode (030).
 * Lower it when the build gets lighter; never raise it to make a change pass. `/leads` is held
 * to the budget itself (192.3 KB at decision 034).
 */
const CEILING_BYTES: Partial<Record<BudgetedRoute, number>> = {
  // React Router without its data router (decision 034): measured 161,809 bytes.
  '/login': 159 * 1024,
};

for (const route of ROUTES) {
  const ceiling = CEILING_BYTES[route];
  if (ceiling !== undefined)
    test(`first load of ${route} stays under its ceiling`, () => {
      const { gzipBytes, files } = firstLoad(WEB_DIST, route);
      expect(files, 'files found in the manifest').toBeGreaterThan(1);
      expect(gzipBytes, `${route}: ${kb(gzipBytes)} gzip in ${files} files`).toBeLessThanOrEqual(
        ceiling,
      );
    });

  test(`first load of ${route} is at most 200 KB of JavaScript, gzip`, () => {
    const { gzipBytes, files } = firstLoad(WEB_DIST, route);
    expect(files, 'files found in the manifest').toBeGreaterThan(1);
    expect(gzipBytes, `${route}: ${kb(gzipBytes)} gzip`).toBeLessThanOrEqual(
      FIRST_LOAD_BUDGET_BYTES,
    );
  });
}

test('Norwegian loads no English translations; English comes when chosen and on reload', async ({
  page,
}) => {
  const englishChunks: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/assets\/en-[\w-]+\.js$/.test(path)) englishChunks.push(path);
  });
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Logg inn' })).toBeVisible();
  expect(englishChunks, 'the English chunk on a Norwegian first load').toEqual([]);

  // Chosen in the switcher: fetched then, and the page turns English.
  await page.getByRole('button', { name: /Bytt språk/ }).click();
  await page.locator('[role="menuitem"][lang="en"]').click();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(englishChunks).toHaveLength(1);

  // Remembered: a reload renders English at once, never Norwegian first.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Logg inn' })).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

/** A translation key shown as it is, e.g. "leads.title": its screen rendered before its strings. */
const SECTIONS = Object.keys(
  JSON.parse(
    readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'apps/web/src/locales/nb.json'),
      'utf8',
    ),
  ) as Record<string, unknown>,
);

test('each screen paints with its own strings: no raw key, not even on the first paint', async ({
  page,
}) => {
  const stringChunks: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/^\/assets\/nb-[a-z]+-[\w-]+\.js$/.test(path)) stringChunks.push(path);
  });
  // Watches every text and label from the first script on, so a key that flashes for one
  // frame before its strings arrive is caught too, not only what is left at the end.
  await page.addInitScript(`(() => {
    const rawKey = new RegExp('^(${SECTIONS.join('|')})\\\\.[\\\\w.]+$');
    window.__rawKeys = [];
    const check = (node) => {
      const texts = node.nodeType === Node.TEXT_NODE ? [node.textContent] : [];
      if (node.nodeType === Node.ELEMENT_NODE) {
        for (const name of ['aria-label', 'placeholder', 'title']) texts.push(node.getAttribute(name));
      }
      for (const text of texts) if (text && rawKey.test(text.trim())) window.__rawKeys.push(text.trim());
    };
    new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'characterData') check(record.target);
        for (const node of record.addedNodes) {
          check(node);
          if (node.nodeType === Node.ELEMENT_NODE) {
            const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) check(walker.currentNode);
          }
        }
      }
    }).observe(document, { childList: true, subtree: true, characterData: true });
  })();`);
  await loginAs(page, 'admin');

  // A cold load of the grid: the page's strings come as their own chunk, with its code.
  await page.goto('/leads');
  await expect(page.locator('tbody a[href^="/leads/"]').first()).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(await page.evaluate('window.__rawKeys'), 'raw keys on /leads').toEqual([]);
  expect(stringChunks.some((path) => path.startsWith('/assets/nb-leads-'))).toBe(true);
  expect(stringChunks.some((path) => path.startsWith('/assets/nb-lead-'))).toBe(false);

  // On to a lead, in the app: the lead page's strings arrive before it renders. The address
  // changes at the click while the grid stays on screen until the lead page's code and
  // strings are in (a transition, decision 034): wait for the lead page itself.
  await page.locator('tbody a[href^="/leads/"]').first().click();
  await expect(page).toHaveURL(/\/leads\/\d+$/);
  await expect(page.getByText('Videresending', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  expect(stringChunks.some((path) => path.startsWith('/assets/nb-lead-'))).toBe(true);

  for (const path of ['/audit', '/requests', '/users']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(await page.evaluate('window.__rawKeys'), 'raw keys on the last screen').toEqual([]);
});

test('a hashed asset is sent precompressed and cached for good', async ({ request }) => {
  const html = await (await request.get('/login')).text();
  const script = html.match(/src="(\/assets\/index-[\w-]+\.js)"/)?.[1];
  expect(script, 'index.html names the hashed entry').toBeTruthy();

  for (const encoding of ['br', 'gzip'] as const) {
    const res = await request.get(script ?? '', { headers: { 'Accept-Encoding': encoding } });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-encoding']).toBe(encoding);
    expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers().vary).toMatch(/accept-encoding/i);
    expect(res.headers()['content-type']).toMatch(/javascript/);
  }
  // A client that takes no compression still gets the file as it is.
  const plain = await request.get(script ?? '', { headers: { 'Accept-Encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
  expect((await plain.body()).length).toBeGreaterThan(1024);
});

test('index.html is revalidated every time and compressed', async ({ request }) => {
  // Served as a file (/) and as the SPA's answer to any other path (/leads).
  for (const path of ['/', '/index.html', '/leads']) {
    const res = await request.get(path, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.status(), path).toBe(200);
    expect(res.headers()['cache-control'], path).toBe('no-cache');
    expect(res.headers()['content-encoding'], path).toBe('gzip');
    expect(await res.text(), path).toContain('<div id="root">');
  }
});

test('API answers are compressed', async ({ request }) => {
  const res = await request.get('/trpc/auth.me', { headers: { 'Accept-Encoding': 'gzip' } });
  expect(res.status()).toBe(200);
  expect(res.headers()['content-encoding']).toBe('gzip');
  expect(res.headers()['cache-control']).toBe('no-store');
  expect(await res.json()).toMatchObject({ result: { data: null } });
});
