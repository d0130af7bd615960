import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/**
 * A page load of the signed-in app (issue 11 point 2): index.html carries the `auth.me` answer,
 * so the page's data is asked for at once and once; a signed-out visit reads nothing personal.
 */

/** Every tRPC procedure the page calls from now on, with its input (one entry per call). */
function trpcCalls(page: Page) {
  const calls: { path: string; input: string }[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/trpc/')) return;
    const input = url.searchParams.get('input') ?? '';
    for (const path of url.pathname.slice('/trpc/'.length).split(',')) calls.push({ path, input });
  });
  return {
    of: (path: string) => calls.filter((call) => call.path === path),
    all: () => calls.map((call) => call.path),
  };
}

test('the grid gets its first page for the URL filter with the page: no lead.list, no auth.me', async ({
  page,
}) => {
  await loginAs(page, 'admin');
  const calls = trpcCalls(page);
  // A full page load: the app starts from nothing but the cookie.
  await page.goto('/leads?status=new');
  await expect(page.getByRole('table').getByRole('link').first()).toBeVisible();
  await page.waitForLoadState('networkidle');

  // The page carried its first page (apps/api/src/lib/spa-shell.ts), filed under the key the
  // grid reads: no request for it at all, and the rows shown are the filter's.
  expect(calls.of('lead.list'), 'lead.list requests').toHaveLength(0);
  expect(calls.of('auth.me'), 'the page already knew who is signed in').toHaveLength(0);
  await expect(page.getByRole('table').getByText('Ny', { exact: true }).first()).toBeVisible();
  for (const other of ['Kontaktet', 'Oppfølging', 'Solgt', 'Avsluttet'])
    await expect(page.getByRole('table').getByText(other, { exact: true })).toHaveCount(0);
});

test('the grid draws the rows in view first and the whole page right after', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/leads');
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  // The demo data holds more than a page: all 50 rows follow the first paint on their own.
  await expect(rows).toHaveCount(50);
  await expect(page.getByText(/^1–50 av /)).toBeVisible();
});

test('a lead page gets the lead with the page: no lead.byId, no auth.me', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/leads');
  const href = await page.getByRole('table').getByRole('link').first().getAttribute('href');
  expect(href).toMatch(/^\/leads\/\d+$/);

  const calls = trpcCalls(page);
  await page.goto(href ?? '');
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('');
  await expect(page.getByText('Videresending', { exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');
  // Both reads came with the page (apps/api/src/lib/spa-shell.ts).
  expect(calls.of('lead.byId'), 'lead.byId requests').toHaveLength(0);
  expect(calls.of('consent.forwarding'), 'consent.forwarding requests').toHaveLength(0);
  expect(calls.of('auth.me')).toHaveLength(0);
});

test('a signed-out visit asks who is signed in and reads no lead', async ({ page }) => {
  const calls = trpcCalls(page);
  await page.goto('/leads');
  await expect(page).toHaveURL(/\/login\?next=%2Fleads/);
  await expect(page.getByRole('heading', { name: 'Logg inn' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(calls.of('auth.me')).toHaveLength(1);
  expect(calls.all().filter((path) => !path.startsWith('auth.'))).toEqual([]);
});

test('after logout a page load is signed out again', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/leads');
  await expect(page.getByRole('table').getByRole('link').first()).toBeVisible();
  const logout = await page.request.post('/trpc/auth.logout', {
    headers: { 'content-type': 'application/json', origin: new URL(page.url()).origin },
    data: {},
  });
  expect(logout.ok()).toBe(true);

  const calls = trpcCalls(page);
  await page.goto('/leads');
  await expect(page).toHaveURL(/\/login/);
  await page.waitForLoadState('networkidle');
  expect(calls.of('lead.list')).toHaveLength(0);
});
