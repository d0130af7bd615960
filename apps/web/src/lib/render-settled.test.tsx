import { lazy, Suspense } from 'react';
import { describe, expect, it } from 'vitest';
import { renderSettled } from './render-settled';

function Plain() {
  return (
    <Suspense fallback={<i>loading</i>}>
      <p>drawn</p>
    </Suspense>
  );
}

/** A part whose code is not loaded yet: renderToString would leave its fallback. */
function lateScreen() {
  const Late = lazy(
    () =>
      new Promise<{ default: () => React.JSX.Element }>((resolve) =>
        setTimeout(() => resolve({ default: () => <p>late</p> }), 5),
      ),
  );
  return (
    <Suspense fallback={<i>loading</i>}>
      <Late />
    </Suspense>
  );
}

function Broken(): React.JSX.Element {
  throw new Error('broken part');
}

describe('renderSettled', () => {
  it('draws a page that does not suspend in one synchronous pass', async () => {
    let passes = 0;
    const html = await renderSettled(<Plain />, new AbortController().signal, (draw) => {
      passes += 1;
      return draw();
    });
    expect(html).toBe('<!--$--><p>drawn</p><!--/$-->');
    expect(passes).toBe(1);
  });

  it('waits for a part that suspends instead of sending its fallback', async () => {
    let passes = 0;
    const html = await renderSettled(lateScreen(), new AbortController().signal, (draw) => {
      passes += 1;
      return draw();
    });
    expect(html).toContain('<p>late</p>');
    expect(html).not.toContain('loading');
    expect(html).not.toMatch(/<!--\$[?!]-->/);
    expect(passes).toBe(2);
  });

  it('reports an error inside a boundary rather than sending a page the browser must draw', async () => {
    await expect(
      renderSettled(
        <Suspense fallback={<i>loading</i>}>
          <Broken />
        </Suspense>,
        new AbortController().signal,
      ),
    ).rejects.toThrow('broken part');
  });

  it('does not draw once the time limit has passed', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    let passes = 0;
    await expect(
      renderSettled(<Plain />, controller.signal, (draw) => {
        passes += 1;
        return draw();
      }),
    ).rejects.toThrow('too late');
    expect(passes).toBe(0);
  });
});
