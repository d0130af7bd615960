import { expect, loginAs, test } from './fixtures';

test("an auditor finds a subsidiary user's list and detail views without seeing names", async ({
  page,
}) => {
  await loginAs(page, 'subsidiaryA');
  await page.goto('/leads');
  const link = page.getByRole('table').getByRole('link').first();
  const leadName = ((await link.textContent()) ?? '').trim();
  const leadId = Number((await link.getAttribute('href'))?.split('/').pop());
  await link.click();
  await expect(page.getByRole('heading', { name: leadName })).toBeVisible();

  await page.context().clearCookies();
  await loginAs(page, 'auditor');
  await page.goto('/audit');
  await page.getByRole('textbox', { name: 'Id', exact: true }).fill(String(leadId));
  await page.getByRole('combobox', { name: 'Type' }).click();
  await page.getByRole('option', { name: 'lead', exact: true }).click();
  const rows = page.getByRole('table').getByRole('row').filter({ hasText: 'Kari Nordmann' });
  // Both the list that showed the lead and the detail view are found by the lead's id.
  await expect(rows.filter({ hasText: 'Så lead' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'Så leadliste' }).first()).toBeVisible();
  await expect(page.getByRole('table')).toContainText(`#${leadId}`);
  // No data subject's name anywhere.
  await expect(page.getByRole('table')).not.toContainText(leadName);
  await page.getByRole('textbox', { name: 'Id', exact: true }).fill('');
  await expect(page.getByRole('table')).not.toContainText(leadName);

  await page.getByRole('button', { name: /Verifiser/ }).click();
  await expect(page.getByText('Loggen er uendret')).toBeVisible();
  // The result says what was checked, when, and where the chain ends.
  await expect(page.getByText(/Kontrollert: oppføring #1–#\d+/)).toBeVisible();
  await expect(page.getByText(/Kjedens siste oppføring: #\d+/)).toBeVisible();
});

test("the audit export's row limit reads in the screen's language", async ({ page }) => {
  await loginAs(page, 'auditor');
  await page.goto('/audit');
  await page.getByRole('link', { name: 'Eksporter CSV' }).hover();
  await expect(page.getByRole('tooltip')).toContainText(/høyst 100\s000\)/);

  await page.getByRole('button', { name: /Bytt språk/ }).click();
  await page.locator('[role="menuitem"][lang="en"]').click();
  await page.getByRole('link', { name: 'Export CSV' }).hover();
  await expect(page.getByRole('tooltip')).toContainText('at most 100,000)');
});
