import { describe, expect, it } from 'vitest';
import { formatOrgNumber, formatPhone } from './format';

describe('formatOrgNumber', () => {
  it('groups nine digits in threes', () => {
    expect(formatOrgNumber('923609016')).toBe('923 609 016');
    expect(formatOrgNumber('923 609016')).toBe('923 609 016');
  });

  it('leaves anything else as it is', () => {
    expect(formatOrgNumber('12345')).toBe('12345');
  });
});

describe('formatPhone', () => {
  it('groups Norwegian mobile numbers', () => {
    expect(formatPhone('+4791234567')).toBe('+47 912 34 567');
  });

  it('leaves foreign numbers as stored', () => {
    expect(formatPhone('+46701234567')).toBe('+46701234567');
  });
});
