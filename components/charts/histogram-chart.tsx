'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { axisCount, count, valueAxis } from '@/lib/format';
import { BASIS_COLORS } from './palette';
import { ChartData } from './chart-data';
import { ChartFrame } from './chart-frame';
import { tooltipInPlot } from './tooltip';

const MARGIN = { top: 8, right: 8, bottom: 24, left: 8 };

export type HistogramData = { label: string; business: number; calendar: number }[];

/** Conversations per time bin (minutes, then hours), business hours beside calendar hours. Plain data in, nothing fetched. */
export function HistogramChart({ data, statistic }: { data: HistogramData; statistic: string }) {
  const axis = valueAxis(data.flatMap((bin) => [bin.business, bin.calendar]), { integer: true });
  return (
    <>
      <ChartFrame label={`Distribution of ${statistic} times, business and calendar hours`}>
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={data} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" interval={0} angle={-30} textAnchor="end" height={50} tick={{ fontSize: 11 }} label={{ value: 'time', position: 'insideBottom', offset: -16 }} />
            <YAxis {...axis} tickFormatter={axisCount} label={{ value: 'conversations', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
            <Tooltip formatter={(value) => `${count(Number(value))} conversations`} {...tooltipInPlot(MARGIN)} />
            <Legend verticalAlign="top" itemSorter={null} wrapperStyle={{ paddingBottom: 8 }} />
            <Bar dataKey="business" name="business hours" fill={BASIS_COLORS.business} isAnimationActive={false} />
            <Bar dataKey="calendar" name="calendar hours" fill={BASIS_COLORS.calendar} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
      <ChartData
        what={`Distribution of ${statistic.toLowerCase()} times`}
        head={['time', 'business hours (conversations)', 'calendar hours (conversations)']}
        rows={data.map((bin) => [bin.label, count(bin.business), count(bin.calendar)])}
      />
    </>
  );
}
