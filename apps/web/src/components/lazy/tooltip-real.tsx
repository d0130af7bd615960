import { Tooltip, type TooltipProps } from '@mantine/core';

/** Loaded by DeferredTooltip (tooltip.tsx) after the first paint. */
export default function RealTooltip(props: TooltipProps) {
  return <Tooltip {...props} />;
}
