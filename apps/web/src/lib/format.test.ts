import { describe, expect, it } from 'vitest';
import { formatDate, formatDay, formatOrgNumber, formatPhone } from './format';

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

describe('formatDay', () => {
  it('shows a plain day as that same local day', () => {
    expect(formatDay('2024-06-17')).toBe(formatDate(new Date(2024, 5, 17).getTime()));
    expect(formatDay('2024-01-01')).toBe(formatDate(new Date(2024, 0, 1, 23, 59).getTime()));
  });

  it('is empty for no day', () => {
    expect(formatDay(null)).toBe('');
  });
});
