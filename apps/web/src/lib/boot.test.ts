import { describe, expect, it } from 'vitest';
import { takeBoot } from './boot';

const takeBootMe = (doc: Parameters<typeof takeBoot>[0]) => takeBoot(doc)?.me;

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

describe('takeBoot: the auth.me answer', () => {
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

describe('takeBoot', () => {
  const leadList = {
    input: { status: ['new'], limit: 50 },
    page: { items: [{ id: 7, name: 'Åse' }], nextCursor: null },
  };
  const lead = { id: 7, byId: { lead: { id: 7, name: 'Åse' } }, forwarding: [] };

  it("reads the page's data beside the auth.me answer", () => {
    const boot = takeBoot(page(JSON.stringify({ me, leadList, lead })).doc);
    expect(boot).toEqual({ me, leadList, lead });
  });

  it('reads a page without data as the auth.me answer alone', () => {
    expect(takeBoot(page(JSON.stringify({ me })).doc)).toEqual({ me });
  });

  it("reads a lead page's refusal: the error of lead.byId's answer", () => {
    const refused = {
      message: 'NOT_FOUND',
      code: -32004,
      data: { code: 'NOT_FOUND', httpStatus: 404 },
    };
    const boot = takeBoot(page(JSON.stringify({ me, lead: { id: 7, refused } })).doc);
    expect(boot).toEqual({ me, lead: { id: 7, refused } });
  });

  it('ignores page data of any other shape, and keeps the auth.me answer', () => {
    for (const extra of [
      { lead: { id: 7, refused: 'NOT_FOUND' } },
      { lead: { id: 7, refused: { message: 'x', code: 'NOT_FOUND', data: {} } } },
      { lead: { id: 7, refused: { code: -32004, data: {} } } },
      { lead: { id: 7, refused: { message: 'x', code: -32004 } } },
      { lead: { id: '7', refused: { message: 'x', code: -32004, data: {} } } },
      { leadList: { input: {}, page: { items: 'x' } } },
      { leadList: { page: { items: [] } } },
      { leadList: [] },
      { lead: { id: '7', byId: { lead: {} }, forwarding: [] } },
      { lead: { id: 7, byId: {}, forwarding: [] } },
      { lead: { id: 7, byId: { lead: {} } } },
    ]) {
      const text = JSON.stringify({ me, ...extra });
      expect(takeBoot(page(text).doc), text).toEqual({ me });
    }
  });
});
