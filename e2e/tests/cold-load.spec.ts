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

test('the grid reads its first page once, with the filter in the URL, and asks no auth.me', async ({
  page,
}) => {
  await loginAs(page, 'admin');
  const calls = trpcCalls(page);
  // A full page load: the app starts from nothing but the cookie.
  await page.goto('/leads?status=new');
  await expect(page.getByRole('table').getByRole('link').first()).toBeVisible();
  await page.waitForLoadState('networkidle');

  const reads = calls.of('lead.list');
  expect(reads, 'lead.list requests').toHaveLength(1);
  expect(JSON.parse(reads[0]?.input ?? '{}')).toMatchObject({ status: ['new'], limit: 50 });
  expect(calls.of('auth.me'), 'the page already knew who is signed in').toHaveLength(0);
});

test('a lead page reads the lead once and asks no auth.me', async ({ page }) => {
  await loginAs(page, 'admin');
  await page.goto('/leads');
  const href = await page.getByRole('table').getByRole('link').first().getAttribute('href');
  expect(href).toMatch(/^\/leads\/\d+$/);

  const calls = trpcCalls(page);
  await page.goto(href ?? '');
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('');
  await expect(page.getByText('Videresending', { exact: true })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(calls.of('lead.byId'), 'lead.byId requests').toHaveLength(1);
  expect(calls.of('consent.forwarding'), 'consent.forwarding requests').toHaveLength(1);
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
