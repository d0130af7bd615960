import { describe, expect, it } from 'vitest';
import { setup } from './helpers';

async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (e) {
    const err = e as {
      code: string;
      cause?: { domainCode?: string; fieldErrors?: unknown; issues?: unknown };
    };
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('subsidiaries', () => {
  it('rejects a bad org number, e-mail and empty name with field errors, storing nothing', async () => {
    const t = setup();
    const before = (await t.as('admin').subsidiary.list()).length;
    const err = await failure(
      t.as('admin').subsidiary.create({
        name: ' ',
        orgNumber: '923609017',
        contactEmail: 'nope',
        active: true,
      }),
    );
    expect(err.code).toBe('BAD_REQUEST');
    expect((await t.as('admin').subsidiary.list()).length).toBe(before);
  });

  it('refuses a duplicate org number as a conflict on that field', async () => {
    const t = setup();
    const err = await failure(
      t.as('admin').subsidiary.create({
        name: 'Kopi',
        orgNumber: '923 609 016',
        contactEmail: 'k@test.no',
        active: true,
      }),
    );
    expect(err.code).toBe('CONFLICT');
    expect(err.cause?.domainCode).toBe('duplicateOrgNumber');
    expect(err.cause?.fieldErrors).toEqual({ orgNumber: [{ key: 'invalid' }] });
  });

  it('creates and edits with normalised values', async () => {
    const t = setup();
    const { id } = await t.as('admin').subsidiary.create({
      name: 'Ny AS',
      orgNumber: '914 778 271',
      contactEmail: ' Leads@NY.no ',
      active: true,
    });
    const row = await t.as('admin').subsidiary.byId({ id });
    expect(row).toMatchObject({ orgNumber: '914778271', contactEmail: 'leads@ny.no' });
    await t.as('admin').subsidiary.update({
      id,
      name: 'Ny AS',
      orgNumber: '914778271',
      contactEmail: 'leads@ny.no',
      active: false,
    });
    expect((await t.as('admin').subsidiary.byId({ id })).active).toBe(false);
  });
});

describe('projects', () => {
  it('refuses a duplicate slug', async () => {
    const t = setup();
    const err = await failure(
      t.as('admin').project.create({
        name: 'Alfa 2',
        slug: 'alfa-park',
        place: 'Oslo',
        status: 'planning',
        subsidiaryId: t.f.subA,
      }),
    );
    expect(err.cause?.domainCode).toBe('duplicateSlug');
  });

  it('reassigning moves new leads only, and records who moved it when', async () => {
    const t = setup();
    const { id } = await t.as('admin').project.create({
      name: 'Gamma',
      slug: 'gamma',
      place: 'Oslo',
      status: 'pre_sale',
      subsidiaryId: t.f.subA,
    });
    await t.as('admin').project.assign({ projectId: id, subsidiaryId: t.f.subB });
    const { project, assignments } = await t.as('admin').project.byId({ id });
    expect(project.subsidiaryId).toBe(t.f.subB);
    expect(assignments.map((a) => [a.fromName, a.toName, a.actorName])).toEqual([
      ['A Bygg AS', 'B Bolig AS', expect.any(String)],
      [null, 'A Bygg AS', expect.any(String)],
    ]);
    // Existing leads of project A stay with A after A's project moves.
    await t.as('admin').project.assign({ projectId: t.f.projectA, subsidiaryId: t.f.subB });
    const leadsA = await t.as('userA').lead.list({ limit: 50 });
    expect(leadsA.items.map((l) => l.id).sort()).toEqual([...t.f.leadsA].sort());
    expect(t.lastEntry()).toMatchObject({ action: 'lead.list' });
  });

  it('refuses assigning to the same or an unknown subsidiary', async () => {
    const t = setup();
    expect(
      (
        await failure(
          t.as('admin').project.assign({ projectId: t.f.projectA, subsidiaryId: t.f.subA }),
        )
      ).cause?.domainCode,
    ).toBe('sameSubsidiary');
    expect(
      (await failure(t.as('admin').project.assign({ projectId: t.f.projectA, subsidiaryId: 9999 })))
        .code,
    ).toBe('BAD_REQUEST');
    expect(
      (await failure(t.as('admin').project.assign({ projectId: 9999, subsidiaryId: t.f.subB })))
        .code,
    ).toBe('NOT_FOUND');
  });
});
