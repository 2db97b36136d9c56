'use client';

import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { valueAxis } from '@/lib/format';
import { OTHERS_COLOR, SERIES_COLORS } from './palette';
import { ChartData } from './chart-data';
import { ChartFrame } from './chart-frame';

export type LoadChartData = {
  resolution: 'hour' | 'day';
  buckets: { label: string }[];
  /** `combined`: the other agents' joint load, shown beside their average (`values`) in the tooltip. */
  series: { key: string; name: string; values: (number | null)[]; combined?: (number | null)[] }[];
};

const COMBINED = (key: string) => `${key}:combined`;

/**
 * Peak concurrent open conversations per agent, per hour or per day: one step line per agent (the
 * most loaded), the rest as a dashed line of their load per agent (their joint load in its
 * tooltip). Plain data in, nothing fetched.
 */
export function LoadChart({ data }: { data: LoadChartData }) {
  const rows = data.buckets.map((bucket, i) => {
    const row: Record<string, string | number | null> = { bucket: bucket.label };
    for (const s of data.series) {
      row[s.key] = s.values[i] ?? null;
      if (s.combined) row[COMBINED(s.key)] = s.combined[i] ?? null;
    }
    return row;
  });
  // Agents with equal load draw on the same steps, so the legend picks one out: pointing at a name
  // dims the other lines, clicking it keeps that until clicked again (or another name is clicked).
  const [hovered, setHovered] = useState<string | null>(null);
  const [pinned, setPinned] = useState<string | null>(null);
  const picked = hovered ?? pinned;
  const keyOf = (entry: { dataKey?: unknown }) => (entry.dataKey === undefined ? null : String(entry.dataKey));
  const unit = data.resolution === 'hour' ? 'hour' : 'day';
  const axis = valueAxis(data.series.flatMap((s) => s.values), { integer: true });
  // The table: each agent's peak; the others' as 'each (together)', as their tooltip reads.
  const cell = (s: LoadChartData['series'][number], i: number) => {
    const value = s.values[i];
    if (value === null || value === undefined) return '–';
    const combined = s.combined?.[i];
    return typeof combined === 'number' ? `${value} (${combined})` : String(value);
  };
  return (
    <>
      <ChartFrame label={`Peak open conversations per agent, per ${unit}`}>
        <ResponsiveContainer width="100%" height={320}>
          <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 24, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="bucket"
              tickFormatter={(label: string) => (data.resolution === 'day' ? label.slice(5) : label)}
              minTickGap={24}
              label={{ value: data.resolution === 'hour' ? 'hour (MM-DD HH:MM)' : 'day (MM-DD)', position: 'insideBottom', offset: -16 }}
            />
            <YAxis {...axis} label={{ value: 'open conversations (peak)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
            <Tooltip
              formatter={(value, _name, item) => {
                if (value === null || value === undefined) return '–';
                const combined = item.payload?.[COMBINED(String(item.dataKey))];
                return typeof combined === 'number' ? `${value} conversations each (${combined} together)` : `${value} conversations`;
              }}
            />
            <Legend
              verticalAlign="top"
              itemSorter={null}
              wrapperStyle={{ paddingBottom: 8, cursor: 'pointer' }}
              onMouseEnter={(entry) => setHovered(keyOf(entry))}
              onMouseLeave={() => setHovered(null)}
              onClick={(entry) => setPinned((current) => (current === keyOf(entry) ? null : keyOf(entry)))}
              formatter={(value, entry) => <span style={{ fontWeight: keyOf(entry) === picked ? 700 : undefined }}>{value}</span>}
            />
            {data.series.map((s, i) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.name}
                type="stepAfter"
                dot={false}
                strokeWidth={picked === s.key ? 3 : 2}
                strokeOpacity={picked !== null && picked !== s.key ? 0.15 : 1}
                stroke={s.key === 'others' ? OTHERS_COLOR : SERIES_COLORS[i % SERIES_COLORS.length]}
                strokeDasharray={s.key === 'others' ? '6 3' : undefined}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </ChartFrame>
      <ChartData
        what={`Peak open conversations per agent and ${unit}`}
        head={[data.resolution === 'hour' ? 'hour' : 'day', ...data.series.map((s) => (s.combined ? `${s.name}: each (together)` : s.name))]}
        rows={data.buckets.map((bucket, i) => [bucket.label, ...data.series.map((s) => cell(s, i))])}
      />
    </>
  );
}
