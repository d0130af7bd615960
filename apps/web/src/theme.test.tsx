import { MantineProvider } from '@mantine/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { cssVariablesResolver, theme, themeCssVariables } from './theme';

describe("the theme's CSS variables, worked out once", () => {
  it("are the text Mantine's provider writes for the theme and its resolver", () => {
    const html = renderToStaticMarkup(
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        {null}
      </MantineProvider>,
    );
    const written = /<style data-mantine-styles="true">(.*?)<\/style>/s.exec(html)?.[1];
    expect(written).toBeTruthy();
    expect(themeCssVariables).toBe(written);
    // The app's own resolver is in it (contrast fixes), not only Mantine's defaults.
    expect(themeCssVariables).toContain('--mantine-color-dimmed: #5f6770');
  });
});
