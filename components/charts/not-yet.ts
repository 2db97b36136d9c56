/**
 * The days of a daily chart after `today` (YYYY-MM-DD, in the chart's timezone), as the first and
 * last of them, or null: a range that runs on past today. Their bars are left out and this span is
 * shaded and labelled, so that "not yet" does not read as a day with nothing in it.
 */
export function futureDays(days: readonly string[], today: string): { from: string; to: string } | null {
  const future = days.filter((day) => day > today);
  return future.length === 0 ? null : { from: future[0]!, to: future.at(-1)! };
}

/** How the span of days not yet come is drawn (a recharts ReferenceArea's props). */
export const NOT_YET = {
  fill: '#8a8f98',
  fillOpacity: 0.12,
  stroke: 'none',
  ifOverflow: 'visible' as const,
  label: { value: 'not yet', position: 'center' as const, fill: '#4b5563' },
};
