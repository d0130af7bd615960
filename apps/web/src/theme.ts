import { createTheme } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  // Outline only for keyboard focus, so mouse users aren't distracted by rings.
  focusRing: 'auto',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '650' },
  components: {
    // Sentence case reads better than capitals for long Norwegian words.
    Badge: { defaultProps: { radius: 'sm', tt: 'none', fw: 600 } },
  },
});
