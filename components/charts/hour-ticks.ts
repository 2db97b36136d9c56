/**
 * The ticks of an hourly axis (labels `MM-DD HH:MM`, lib/queries/load-timeline.ts): the hours on a
 * round step (every 1, 2, 3, 4, 6, 12 hours, or midnights), the smallest step that leaves at most
 * `most` ticks. Left to itself, recharts spaces ticks by pixels from the first bucket, so a range
 * starting at 00:00 showed 05:00, 10:00, 15:00 and, on the next day, 08:00.
 */
export function hourTicks(labels: string[], most = 8): string[] {
  const hourOf = (label: string) => Number(label.slice(6, 8));
  for (const step of [1, 2, 3, 4, 6, 12]) {
    const ticks = labels.filter((label) => hourOf(label) % step === 0);
    if (ticks.length <= most) return ticks;
  }
  return labels.filter((label) => hourOf(label) === 0);
}
