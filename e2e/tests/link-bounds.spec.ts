import { expect, loginAs, test } from './fixtures';

/**
 * A link with dates the API refuses (a bookmark, a hand-edited or hostile URL) gets a clear,
 * translated message, and the page still works: it neither hangs nor crashes.
 */
test('the dashboard says when the link’s period cannot be used, and shows the default', async ({
  page,
}) => {
  await loginAs(page, 'subsidiaryA');
  await page.goto('/dashboard?from=1000-01-01&to=9999-12-31');
  const alert = page.getByRole('alert').filter({ hasText: 'Lenken inneholder verdier' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('Periode: Datoer må ligge mellom');
  await expect(alert).toContainText('De siste 12 ukene vises i stedet.');
  // The numbers for the default period load as usual.
  await expect(page.getByText('Leads i perioden')).toBeVisible();

  await alert.getByRole('button', { name: 'Fjern dem fra lenken' }).click();
  await expect(alert).toBeHidden();
  await expect(page).not.toHaveURL(/from=|to=/);

  // A period longer than five years (the end is today).
  await page.goto('/dashboard?from=2001-01-01');
  await expect(page.getByRole('alert')).toContainText('Periode: Perioden kan være høyst 5 år');
});

test('the leads grid leaves out the link’s bad dates and says so', async ({ page }) => {
  await loginAs(page, 'subsidiaryA');
  await page.goto('/leads?from=1800-01-01&to=2999-01-01&status=new');
  const alert = page.getByRole('alert').filter({ hasText: 'Lenken inneholder verdier' });
  await expect(alert).toContainText('Mottatt fra: Datoer må ligge mellom');
  await expect(alert).toContainText('Mottatt til: Datoer må ligge mellom');
  await expect(page.getByRole('table')).toBeVisible();
  await alert.getByRole('button', { name: 'Fjern dem fra lenken' }).click();
  await expect(alert).toBeHidden();
  await expect(page).toHaveURL(/status=new/);
  await expect(page).not.toHaveURL(/from=|to=/);
});
