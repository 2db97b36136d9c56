'use client';

import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { valueAxis } from '@/lib/format';
import { OTHERS_COLOR, SERIES_COLORS } from './palette';
import { ChartData } from './chart-data';
import { ChartFrame } from './chart-frame';
import { hourTicks } from './round-ticks';
import styles from './load-chart.module.css';
import { tooltipInPlot } from './tooltip';

export type LoadChartData = {
  resolution: 'hour' | 'day';
  buckets: { label: string }[];
  /** `combined`: the other agents' joint load, shown beside their average (`values`) in the tooltip. */
  series: { key: string; name: string; values: (number | null)[]; combined?: (number | null)[] }[];
};

const COMBINED = (key: string) => `${key}:combined`;
const MARGIN = { top: 8, right: 12, bottom: 24, left: 8 };

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
  // dims the other lines, pressing it (click, Enter, Space) keeps that until pressed again (or
  // another name is pressed).
  const [hovered, setHovered] = useState<string | null>(null);
  const [pinned, setPinned] = useState<string | null>(null);
  const picked = hovered ?? pinned;
  const colorOf = (s: LoadChartData['series'][number], i: number) => (s.key === 'others' ? OTHERS_COLOR : SERIES_COLORS[i % SERIES_COLORS.length]);
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
      <ChartFrame
        label={`Peak open conversations per agent, per ${unit}`}
        controls={
          // The legend as buttons, outside the image (a screen reader reads nothing inside one): each
          // a Tab stop, pressed with Enter or Space, saying whether it is pressed (aria-pressed).
          <div className={styles.legend} role="group" aria-label="Pick out an agent's line">
            {data.series.map((s, i) => (
              <button
                key={s.key}
                type="button"
                aria-pressed={pinned === s.key}
                data-picked={picked === s.key || undefined}
                onClick={() => setPinned((current) => (current === s.key ? null : s.key))}
                onMouseEnter={() => setHovered(s.key)}
                onMouseLeave={() => setHovered(null)}
              >
                <svg width="18" height="10" aria-hidden="true">
                  <line x1="1" x2="17" y1="5" y2="5" stroke={colorOf(s, i)} strokeWidth="3" strokeDasharray={s.key === 'others' ? '5 2' : undefined} />
                </svg>
                {s.name}
              </button>
            ))}
          </div>
        }
      >
        <ResponsiveContainer width="100%" height={300}>
          <LineChart data={rows} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="bucket"
              tickFormatter={(label: string) => (data.resolution === 'day' ? label.slice(5) : label)}
              // Hours on a round step; what still overlaps on a narrow screen is thinned evenly.
              ticks={data.resolution === 'hour' ? hourTicks(data.buckets.map((b) => b.label)) : undefined}
              interval={data.resolution === 'hour' ? 'equidistantPreserveStart' : undefined}
              minTickGap={24}
              label={{ value: data.resolution === 'hour' ? 'hour (MM-DD HH:MM)' : 'day (MM-DD)', position: 'insideBottom', offset: -16 }}
            />
            <YAxis {...axis} label={{ value: 'open conversations (peak)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' } }} />
            <Tooltip
              // In the legend's order (highest peak first, the other agents last): recharts sorts by name.
              itemSorter={(item) => data.series.findIndex((s) => s.key === item.dataKey)}
              formatter={(value, _name, item) => {
                if (value === null || value === undefined) return '–';
                const combined = item.payload?.[COMBINED(String(item.dataKey))];
                return typeof combined === 'number' ? `${value} conversations each (${combined} together)` : `${value} conversations`;
              }}
              {...tooltipInPlot(MARGIN)}
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
                stroke={colorOf(s, i)}
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
