'use client';

import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TimeInStatus } from '@/lib/queries/transitions';
import { durationUnit, hours, valueAxis } from '@/lib/format';
import { ChartFrame } from './chart-frame';
import { statusColors } from './palette';
import { tooltipInPlot } from './tooltip';

const MARGIN = { top: 8, right: 48, bottom: 16, left: 8 };
const STATUS_AXIS_WIDTH = 80;

/** Median calendar hours spent in each status (completed stays), one bar per status. */
export function TimeInStatusChart({ data }: { data: TimeInStatus[] }) {
  const withMedian = data.filter((row) => row.medianHours !== null);
  const colors = statusColors(withMedian.map((row) => row.status));
  // Plotted in minutes when every median is under an hour; labels and tooltips read like the table.
  const { unit, perHour } = durationUnit(withMedian.map((row) => row.medianHours));
  const plotted = withMedian.map((row) => ({ ...row, plotted: row.medianHours! * perHour }));
  const axis = valueAxis(plotted.map((row) => row.plotted));
  return (
    <ChartFrame label="Median time spent in each status">
      <ResponsiveContainer width="100%" height={60 + withMedian.length * 48}>
        <BarChart data={plotted} layout="vertical" margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" {...axis} label={{ value: `median ${unit} (calendar)`, position: 'insideBottom', offset: -8 }} />
          <YAxis type="category" dataKey="status" width={STATUS_AXIS_WIDTH} />
          <Tooltip
            formatter={(value, _name, item) => [`${hours(Number(value) / perHour)} (${(item.payload as TimeInStatus).completedStays} completed stays)`, 'median']}
            {...tooltipInPlot(MARGIN, STATUS_AXIS_WIDTH)}
          />
          <Bar dataKey="plotted" name="median" isAnimationActive={false}>
            {withMedian.map((row, i) => (
              <Cell key={row.status} fill={colors[i]} />
            ))}
            <LabelList dataKey="plotted" position="right" formatter={(value) => hours(Number(value) / perHour)} fontSize={12} fill="#1f2328" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
