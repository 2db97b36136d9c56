'use client';

import { Bar, BarChart, CartesianGrid, Legend, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { VolumeDay } from '@/lib/queries/overview';
import { axisCount, count, valueAxis } from '@/lib/format';
import { ChartData } from './chart-data';
import { ChartFrame } from './chart-frame';
import { STATUS_COLORS } from './palette';
import { futureDays, NOT_YET } from './not-yet';
import { tooltipInPlot } from './tooltip';

const MARGIN = { top: 8, right: 8, bottom: 8, left: 8 };
/** The bars, bottom of the stack first: the legend's order and the tooltip's. */
const STACK = ['new', 'assigned', 'resolved'] as const;

/**
 * Conversations created per day, stacked by their current status. Plain data in, nothing fetched.
 * Days after `today` (a range that runs on past today) have no bar and read "not yet" in the
 * table: a 0 there said no conversation came in, as the load chart leaves hours after now empty.
 */
export function VolumeChart({ data, timezone, today }: { data: VolumeDay[]; timezone: string; today: string }) {
  const axis = valueAxis(data.map((day) => day.new + day.assigned + day.resolved), { integer: true });
  const bars = data.map((day) => (day.day > today ? { day: day.day, new: null, assigned: null, resolved: null } : day));
  const notYet = futureDays(data.map((day) => day.day), today);
  return (
    <>
      <ChartFrame label="Conversations created per day, by current status">
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={bars} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} minTickGap={16} />
            <YAxis {...axis} tickFormatter={axisCount} label={{ value: 'conversations', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
            {/* In the legend's order (recharts sorts a tooltip by name). */}
            <Tooltip itemSorter={(item) => STACK.indexOf(item.dataKey as (typeof STACK)[number])} {...tooltipInPlot(MARGIN)} />
            <Legend verticalAlign="top" itemSorter={null} wrapperStyle={{ paddingBottom: 8 }} />
            {notYet && <ReferenceArea x1={notYet.from} x2={notYet.to} {...NOT_YET} />}
            <Bar dataKey="new" name="unassigned (new)" stackId="status" fill={STATUS_COLORS.new} isAnimationActive={false} />
            <Bar dataKey="assigned" name="open (assigned)" stackId="status" fill={STATUS_COLORS.assigned} isAnimationActive={false} />
            <Bar dataKey="resolved" name="resolved" stackId="status" fill={STATUS_COLORS.resolved} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartFrame>
      <ChartData
        what="Conversations created per day"
        head={[`day (${timezone})`, 'unassigned (new)', 'open (assigned)', 'resolved', 'created']}
        rows={data.map((day) =>
          day.day > today ? [day.day, '–', '–', '–', 'not yet'] : [day.day, count(day.new), count(day.assigned), count(day.resolved), count(day.new + day.assigned + day.resolved)],
        )}
      />
    </>
  );
}
