'use client';

import { Bar, BarChart, CartesianGrid, Legend, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TransitionsByDay } from '@/lib/queries/transitions';
import { axisCount, count, valueAxis } from '@/lib/format';
import { ChartData } from './chart-data';
import { ChartFrame } from './chart-frame';
import { statusColors } from './palette';
import { futureDays, NOT_YET } from './not-yet';
import { tooltipInPlot } from './tooltip';

const MARGIN = { top: 8, right: 8, bottom: 16, left: 8 };

/**
 * Status transitions per day, stacked by the status entered. Plain data in, nothing fetched. Days
 * after `today` have no bar and read "not yet" in the table (as on the Overview's volume chart).
 */
export function TransitionsByDayChart({ data, timezone, today }: { data: TransitionsByDay; timezone: string; today: string }) {
  const colors = statusColors(data.statuses);
  const names = data.statuses.map((status) => `→ ${status}`);
  const axis = valueAxis(data.days.map((day) => day.counts.reduce((sum, n) => sum + n, 0)), { integer: true });
  const notYet = futureDays(data.days.map((day) => day.day), today);
  return (
    <>
      <ChartFrame label="Status transitions per day, by the status entered">
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={data.days} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} minTickGap={16} label={{ value: `day (${timezone})`, position: 'insideBottom', offset: -12 }} />
            <YAxis {...axis} tickFormatter={axisCount} label={{ value: 'transitions', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
            {/* In the legend's order, as every chart's tooltip (it listed the top of the stack first, the legend's order reversed). */}
            <Tooltip formatter={(value) => `${value} transitions`} itemSorter={(item) => names.indexOf(String(item.name))} {...tooltipInPlot(MARGIN)} />
            <Legend itemSorter={null} verticalAlign="top" wrapperStyle={{ paddingBottom: 8 }} />
            {notYet && <ReferenceArea x1={notYet.from} x2={notYet.to} {...NOT_YET} />}
            {data.statuses.map((status, i) => (
              // A function key: status names come from payloads and are never read as a property path.
              <Bar key={status} dataKey={(day: TransitionsByDay['days'][number]) => (day.day > today ? null : day.counts[i])} name={names[i]} stackId="to" fill={colors[i]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
      <ChartData
        what="Status transitions per day"
        head={[`day (${timezone})`, ...names.map((name) => name.replace(' ', '\u00a0')), 'all']}
        rows={data.days.map((day) =>
          day.day > today ? [day.day, ...day.counts.map(() => '–'), 'not yet'] : [day.day, ...day.counts.map(count), count(day.counts.reduce((sum, n) => sum + n, 0))],
        )}
      />
    </>
  );
}
