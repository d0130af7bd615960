import { test as base, expect, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'demo-passord-2026';
export const DEMO = {
  admin: 'admin@mestergruppen.demo',
  privacy_officer: 'personvern@mestergruppen.demo',
  auditor: 'revisor@mestergruppen.demo',
  /** Fjordbygg AS */
  subsidiaryA: 'kari@fjordbygg.demo',
  /** Nordlys Bolig AS */
  subsidiaryB: 'per@nordlys-bolig.demo',
} as const;
export type DemoUser = keyof typeof DEMO;

export async function loginAs(page: Page, who: DemoUser) {
  await page.goto('/login');
  await page.getByLabel('E-post').fill(DEMO[who]);
  await page.getByLabel('Passord').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Unexpected console errors fail the test: noise is a failure. */
// biome-ignore lint/suspicious/noConfusingVoidType: Playwright types value-less auto fixtures as void
export const test = base.extend<{ failOnConsoleError: void }>({
  failOnConsoleError: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !/status of (401|403|404|409|400|429)/.test(msg.text()))
          errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(err.message));
      await use();
      expect(errors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };
