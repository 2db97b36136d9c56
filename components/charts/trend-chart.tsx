'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { count, durationUnit, hours, valueAxis } from '@/lib/format';
import { ChartData } from './chart-data';
import { ChartFrame } from './chart-frame';
import { BASIS_COLORS } from './palette';
import { tooltipInPlot } from './tooltip';

const MARGIN = { top: 8, right: 12, bottom: 24, left: 8 };

export type TrendData = { day: string; business: number | null; calendar: number | null; businessCount: number; calendarCount: number }[];

/** The daily median, business and calendar hours; days without a value leave a gap. Plain data in. */
export function TrendChart({ data, statistic }: { data: TrendData; statistic: string }) {
  // A dot a day shows days with a value between gaps; past two months of such days they crowd into
  // blots, so they shrink (a long range with few days of values keeps them large: they are its points).
  const daysWithValues = data.filter((day) => day.business !== null || day.calendar !== null).length;
  const dotRadius = daysWithValues > 62 ? 1 : 3;
  // Plotted in minutes when every median is under an hour; tooltips read like the tables.
  const { unit, perHour } = durationUnit(data.flatMap((day) => [day.business, day.calendar]));
  const plotted = data.map((day) => ({ ...day, business: scaled(day.business, perHour), calendar: scaled(day.calendar, perHour) }));
  const axis = valueAxis(plotted.flatMap((day) => [day.business, day.calendar]));
  return (
    <>
      <ChartFrame label={`Daily median ${statistic} time in ${unit}, business and calendar hours`}>
        <ResponsiveContainer width="100%" height={280}>
          <LineChart data={plotted} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} minTickGap={16} label={{ value: 'creation day (MM-DD)', position: 'insideBottom', offset: -16 }} />
            <YAxis {...axis} label={{ value: `median, ${unit}`, angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
            {/* How many conversations each median is of: a day with two of them (a range's first, partial day) can sit far off the rest. */}
            <Tooltip
              formatter={(value, _name, item) => {
                if (typeof value !== 'number') return '–';
                const n = item.dataKey === 'business' ? item.payload?.businessCount : item.payload?.calendarCount;
                return typeof n === 'number' ? `${hours(value / perHour)} (of ${n.toLocaleString('en')} conversation${n === 1 ? '' : 's'})` : hours(value / perHour);
              }}
              {...tooltipInPlot(MARGIN)}
            />
            <Legend verticalAlign="top" itemSorter={null} wrapperStyle={{ paddingBottom: 8 }} />
            <Line dataKey="business" name="business hours (median)" stroke={BASIS_COLORS.business} strokeWidth={2} dot={{ r: dotRadius }} connectNulls={false} isAnimationActive={false} />
            <Line dataKey="calendar" name="calendar hours (median)" stroke={BASIS_COLORS.calendar} strokeWidth={2} strokeDasharray="6 3" dot={{ r: dotRadius }} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </ChartFrame>
      <ChartData
        what={`Daily median ${statistic.toLowerCase()} time`}
        head={['creation day', 'business hours (median)', 'of conversations', 'calendar hours (median)', 'of conversations']}
        rows={data.map((day) => [day.day, hours(day.business), count(day.businessCount), hours(day.calendar), count(day.calendarCount)])}
      />
    </>
  );
}

const scaled = (value: number | null, perHour: number) => (value === null ? null : value * perHour);
