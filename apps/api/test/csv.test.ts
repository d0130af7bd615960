import { describe, expect, it } from 'vitest';
import { csvText } from '../src/lib/csv';

describe('csvText', () => {
  it('keeps a would-be formula as text, and everything else as it is', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r'])
      expect(csvText(`${start}SUM(A1)`)).toBe(`'${start}SUM(A1)`);
    expect(csvText('Åse Ørnes')).toBe('Åse Ørnes');
    expect(csvText('a=b')).toBe('a=b');
    expect(csvText(null)).toBe('');
  });
});
