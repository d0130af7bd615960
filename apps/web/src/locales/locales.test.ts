import {
  AUDIT_OUTCOMES,
  AUDIT_PURPOSES,
  AUDIT_TARGET_TYPES,
  CONSENT_PURPOSES,
  CONSENT_SOURCES,
  DISCLOSURE_KINDS,
  DOMAIN_ERROR_CODES,
  LEAD_SOURCES,
  LEAD_STATUSES,
  PROJECT_STATUSES,
  ROLES,
  VALIDATION_KEYS,
} from '@mg/shared';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import { leafKeys, type Tree } from './leaf-keys';
import nb from './nb.json';

function lookup(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => {
    return typeof node === 'object' && node !== null ? (node as Tree)[part] : undefined;
  }, tree);
}

const enumSections: [string, readonly string[]][] = [
  ['errors', DOMAIN_ERROR_CODES],
  ['validation', VALIDATION_KEYS],
  ['roles', ROLES],
  ['leadStatus', LEAD_STATUSES],
  ['projectStatus', PROJECT_STATUSES],
  ['leadSource', LEAD_SOURCES],
  ['consent.purpose', CONSENT_PURPOSES],
  ['consent.source', CONSENT_SOURCES],
  ['consent.filter', CONSENT_PURPOSES],
  ['disclosureKind', DISCLOSURE_KINDS],
  ['auditOutcome', AUDIT_OUTCOMES],
  ['auditPurpose', AUDIT_PURPOSES],
  ['auditTargetType', AUDIT_TARGET_TYPES],
];

describe.each([
  ['nb', nb],
  ['en', en],
])('%s translations', (_language, messages) => {
  it.each(enumSections)('translate every value of %s', (section, values) => {
    for (const value of values) {
      expect(lookup(messages, `${section}.${value}`), `${section}.${value}`).toEqual(
        expect.any(String),
      );
    }
  });
});

describe('nb and en', () => {
  it('have exactly the same keys', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(nb).sort());
  });

  it('use the same interpolation variables for each key', () => {
    const variables = (text: unknown) =>
      String(text)
        .match(/{{\s*\w+\s*}}/g)
        ?.sort() ?? [];
    for (const key of leafKeys(nb)) {
      expect(variables(lookup(en, key)), key).toEqual(variables(lookup(nb, key)));
    }
  });
});
