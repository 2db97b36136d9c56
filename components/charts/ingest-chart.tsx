'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisCount, count, valueAxis } from '@/lib/format';
import { ChartData } from './chart-data';
import { ChartFrame } from './chart-frame';
import { INGEST_COLORS } from './palette';
import { minuteTicks } from './round-ticks';
import { tooltipInPlot } from './tooltip';

const MARGIN = { top: 8, right: 8, bottom: 8, left: 8 };

export type IngestChartPoint = { time: string; accepted: number; duplicates: number; rejected: number };

/** Events received per minute, stacked by what became of them. Plain data in, nothing fetched. */
export function IngestChart({ data, tz }: { data: IngestChartPoint[]; tz: string }) {
  const axis = valueAxis(data.map((minute) => minute.accepted + minute.duplicates + minute.rejected), { integer: true });
  return (
    <>
      <ChartFrame label="Events received per minute over the last 60 minutes: accepted, duplicates, rejected">
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="time"
              // Minutes on a round step; what still overlaps on a narrow screen is thinned evenly.
              ticks={minuteTicks(data.map((minute) => minute.time))}
              interval="equidistantPreserveStart"
              minTickGap={24}
              label={{ value: `minute (${tz})`, position: 'insideBottom', offset: -4 }}
              height={40}
            />
            <YAxis {...axis} tickFormatter={axisCount} label={{ value: 'events / minute', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
            <Tooltip formatter={(value, name) => [`${Number(value).toLocaleString('en')} events`, name]} {...tooltipInPlot(MARGIN)} />
            <Legend verticalAlign="top" height={32} />
            <Bar dataKey="accepted" name="accepted" stackId="ingest" fill={INGEST_COLORS.accepted} isAnimationActive={false} />
            <Bar dataKey="duplicates" name="duplicates" stackId="ingest" fill={INGEST_COLORS.duplicates} isAnimationActive={false} />
            <Bar dataKey="rejected" name="rejected" stackId="ingest" fill={INGEST_COLORS.rejected} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
      <ChartData
        what="Events received per minute"
        head={[`minute (${tz})`, 'accepted', 'duplicates', 'rejected']}
        rows={data.map((minute) => [minute.time, count(minute.accepted), count(minute.duplicates), count(minute.rejected)])}
      />
    </>
  );
}
