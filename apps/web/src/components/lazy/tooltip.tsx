import type { TooltipProps } from '@mantine/core';
import { afterPaint } from './after-paint';

/**
 * Mantine's Tooltip, fetched after the first paint (it brings floating-ui): until then the
 * element shows without its hover text. Use it for tooltips in what a page paints first;
 * the element must carry its own accessible name (aria-label), as the tooltip is only extra.
 */
export const DeferredTooltip = afterPaint<TooltipProps>(
  () => import('./tooltip-real'),
  ({ children }) => children,
);
