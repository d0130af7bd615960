import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';

/**
 * The page-wide loader (shown while the sign-in page asks who the caller is) passes axe: a
 * named bare span is a serious violation, and axe runs whenever a test happens to catch it.
 */
test('the full-page loader is an accessible status', async ({ page }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/trpc/auth.me**', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/login');
  const loader = page.getByLabel('Laster');
  await expect(loader).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`);
  release();
  expect(bad).toEqual([]);
  await expect(page.getByRole('heading', { name: 'Logg inn' })).toBeVisible();
});
