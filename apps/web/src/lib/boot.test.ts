import { describe, expect, it } from 'vitest';
import { takeBootMe } from './boot';

/** A page whose `#boot` element holds `text` (or none at all). */
function page(text: string | undefined) {
  const state = { removed: false };
  return {
    state,
    doc: {
      getElementById: (id: string) =>
        id === 'boot' && text !== undefined && !state.removed
          ? {
              textContent: text,
              remove: () => {
                state.removed = true;
              },
            }
          : null,
    },
  };
}

const me = {
  stage: 'full',
  user: { id: 1, email: 'a@b.no', name: '</script>', role: 'admin' },
  permissions: ['lead:read'],
};

describe('takeBootMe', () => {
  it('reads the auth.me answer the server put in the page, once', () => {
    const { doc, state } = page(JSON.stringify({ me }));
    expect(takeBootMe(doc)).toEqual(me);
    expect(state.removed).toBe(true);
    // Gone: a second read (a later remount) cannot take the first answer for a current one.
    expect(takeBootMe(doc)).toBeUndefined();
  });

  it('reads the escaping the server writes back to the same text', () => {
    const escaped = JSON.stringify({ me }).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
    expect(escaped).not.toContain('</script>');
    expect(takeBootMe(page(escaped).doc)).toEqual(me);
  });

  it('takes a signed-out answer as it is', () => {
    expect(takeBootMe(page('{"me":null}').doc)).toBeNull();
  });

  it('leaves the app to ask when the page has no block or a broken one', () => {
    expect(takeBootMe(page(undefined).doc)).toBeUndefined();
    for (const text of ['', '{', '[]', 'null', '{"me":1}', '{"me":{"stage":2}}', '{"you":{}}'])
      expect(takeBootMe(page(text).doc), text).toBeUndefined();
  });
});
