import { expect, loginAs, test } from './fixtures';

test('an admin creates a subsidiary and a project, and assigns it to another subsidiary', async ({
  page,
}) => {
  await loginAs(page, 'admin');
  const suffix = Date.now().toString(36);

  // A bad org number is refused next to the field, in Norwegian.
  await page.getByRole('link', { name: 'Datterselskaper' }).click();
  await page.getByRole('button', { name: 'Nytt datterselskap' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Navn').fill(`Testbygg ${suffix} AS`);
  await dialog.getByLabel('Organisasjonsnummer').fill('923609017');
  await dialog.getByLabel('Kontakt-e-post').fill(`leads-${suffix}@testbygg.no`);
  await dialog.getByRole('button', { name: 'Opprett' }).click();
  await expect(dialog.getByText(/Ugyldig organisasjonsnummer/)).toBeVisible();

  // A duplicate of a seeded subsidiary's number is a clear conflict.
  const orgCell = page.getByRole('row').nth(1).getByRole('cell').nth(1);
  const takenOrgNumber = ((await orgCell.textContent()) ?? '').replace(/\s/g, '');
  await dialog.getByLabel('Organisasjonsnummer').fill(takenOrgNumber);
  await dialog.getByRole('button', { name: 'Opprett' }).click();
  await expect(dialog.getByText(/allerede/i)).toBeVisible();

  await dialog.getByLabel('Organisasjonsnummer').fill('914 778 271');
  await dialog.getByRole('button', { name: 'Opprett' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('cell', { name: `Testbygg ${suffix} AS` }).first()).toBeVisible();

  // A project for the new subsidiary.
  await page.getByRole('link', { name: 'Prosjekter' }).click();
  await page.getByRole('button', { name: 'Nytt prosjekt' }).click();
  const projectDialog = page.getByRole('dialog');
  await projectDialog.getByLabel('Navn').fill(`Ærlige Åsen ${suffix}`);
  await expect(projectDialog.getByLabel('Adresse (slug)')).toHaveValue(`aerlige-asen-${suffix}`);
  await projectDialog.getByLabel('Sted').fill('Bergen');
  await projectDialog.getByRole('combobox', { name: 'Datterselskap' }).click();
  await page.getByRole('option', { name: `Testbygg ${suffix} AS` }).click();
  await projectDialog.getByRole('button', { name: 'Opprett' }).click();
  await expect(projectDialog).toBeHidden();

  // Assign it to Fjordbygg, confirming that only new leads move.
  await page.getByRole('link', { name: `Ærlige Åsen ${suffix}` }).click();
  await page.getByRole('button', { name: 'Endre datterselskap' }).click();
  const assign = page.getByRole('dialog');
  await expect(assign.getByText(/Bare NYE leads/)).toBeVisible();
  await assign.getByRole('combobox', { name: 'Nytt datterselskap' }).click();
  await page.getByRole('option', { name: 'Fjordbygg AS' }).click();
  await assign.getByRole('button', { name: 'Endre datterselskap' }).click();
  await expect(assign).toBeHidden();

  const history = page.getByRole('table').last();
  await expect(history.getByRole('row').nth(1)).toContainText(`Testbygg ${suffix} AS`);
  await expect(history.getByRole('row').nth(1)).toContainText('Fjordbygg AS');
});
