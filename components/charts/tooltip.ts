import type { CSSProperties } from 'react';

/** Recharts' value axis width, when a chart does not set one. */
const AXIS_WIDTH = 60;

/** A tooltip's content that wraps at its wrapper's width (recharts' own never wraps), long names anywhere. */
export const WRAPPING: CSSProperties = { whiteSpace: 'normal', overflowWrap: 'anywhere' };

/**
 * Tooltip props that keep a tooltip inside its chart on a narrow screen. Recharts keeps a tooltip's
 * left edge inside the plot (right of the value axis), and its default content never wraps
 * (`white-space: nowrap`), so a tooltip wider than the plot ran off the chart's right edge and the
 * screen's: at 390 px, the Agent load tooltip by 250 px ("8 other agents, average : 7.5 co…"), the
 * Statistics trend's by 200. Limited to the plot's width, its lines wrap instead; on a wide screen
 * nothing changes. `margin`: the chart's; `axisWidth`: of the axis left of the plot.
 */
export function tooltipInPlot(margin: { left: number; right: number }, axisWidth = AXIS_WIDTH): { wrapperStyle: CSSProperties; contentStyle: CSSProperties } {
  return { wrapperStyle: { maxWidth: `calc(100% - ${margin.left + axisWidth + margin.right}px)` }, contentStyle: WRAPPING };
}

