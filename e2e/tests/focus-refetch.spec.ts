import type { Page } from '@playwright/test';
import { expect, loginAs, test } from './fixtures';

/** The access-log entries for grid reads, as the API counts them (newest first, up to 200). */
async function leadListEntries(page: Page): Promise<number> {
  const input = encodeURIComponent(JSON.stringify({ action: 'lead.list', limit: 200 }));
  const res = await page.request.get(`/trpc/audit.list?input=${input}`);
  expect(res.ok()).toBe(true);
  const body = (await res.json()) as { result: { data: { items: { action: string }[] } } };
  return body.result.data.items.filter((e) => e.action === 'lead.list').length;
}

test('coming back to the window does not read the lead list again', async ({ page }) => {
  // A controllable clock, so the list can be made stale without waiting 30 s for real.
  await page.clock.install();
  await loginAs(page, 'admin');
  const reads: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('lead.list')) reads.push(req.url());
  });
  await page.goto('/leads');
  await expect(page.getByRole('table').getByRole('link').first()).toBeVisible();
  // The server drew those rows; the app starts after the first paint (decision 033). Wait
  // until it has loaded and taken the page over, or the jump below would age its data first.
  await page.waitForLoadState('networkidle');
  // The first page came with index.html (apps/api/src/lib/spa-shell.ts), logged as a read.
  expect(await leadListEntries(page)).toBeGreaterThan(0);
  const before = await leadListEntries(page);
  const readsBefore = reads.length;

  // Away for two minutes (the list is stale by now), then back: hidden, visible, focus.
  await page.clock.fastForward('02:00');
  // As a string: the e2e project type-checks without the DOM library.
  await page.evaluate(`(() => {
    const setVisibility = (state) => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    };
    setVisibility('hidden');
    setVisibility('visible');
    window.dispatchEvent(new Event('focus'));
  })()`);
  // A refetch would start at once; give it real time to show up.
  await page.waitForTimeout(1500);

  expect(reads.length).toBe(readsBefore);
  expect(await leadListEntries(page)).toBe(before);
  await expect(page.getByRole('table').getByRole('link').first()).toBeVisible();
});
