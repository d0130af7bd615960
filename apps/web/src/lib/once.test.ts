import { describe, expect, it } from 'vitest';
import { once } from './once';

describe('once', () => {
  it('runs an undo at most once, however often it is pressed', () => {
    let runs = 0;
    const undo = once(() => {
      runs += 1;
    });
    expect(undo()).toBe(true);
    expect(undo()).toBe(false);
    expect(undo()).toBe(false);
    expect(runs).toBe(1);
  });
});
