import { isValidOrgNumber, normalisePhone } from '@mg/shared';
import { describe, expect, it } from 'vitest';
import { fakeOrgNumber, fakePhone } from './factories';

describe('factories make data the validators accept', () => {
  it('phones are valid Norwegian mobiles in E.164', () => {
    for (let i = 0; i < 5000; i++) {
      const phone = fakePhone();
      expect(normalisePhone(phone)).toBe(phone);
    }
  });
  it('org numbers pass MOD11', () => {
    for (let i = 0; i < 200; i++) expect(isValidOrgNumber(fakeOrgNumber())).toBe(true);
  });
});
