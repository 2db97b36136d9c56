/**
 * Ticks of a time axis on round values: the labels whose hour (or minute) is a multiple of the
 * smallest step that leaves at most `most` of them. Left to itself, recharts spaces ticks by pixels
 * from the first label, so a day of hours showed 05:00, 10:00, 15:00 and an hour of minutes
 * 08:44, 08:48, 08:52.
 */
function roundTicks(labels: string[], valueOf: (label: string) => number, steps: number[], most: number): string[] {
  for (const step of steps) {
    const ticks = labels.filter((label) => valueOf(label) % step === 0);
    if (ticks.length <= most) return ticks;
  }
  return labels.filter((label) => valueOf(label) === 0);
}

/** An hourly axis (labels `MM-DD HH:MM`, lib/queries/load-timeline.ts): every 1, 2, 3, 4, 6, 12 hours, or midnights. */
export function hourTicks(labels: string[], most = 8): string[] {
  return roundTicks(labels, (label) => Number(label.slice(6, 8)), [1, 2, 3, 4, 6, 12], most);
}

/** A per-minute axis (labels `HH:MM`, the Ingest health chart): every 1, 2, 5, 10, 15, 30 minutes, or whole hours. */
export function minuteTicks(labels: string[], most = 8): string[] {
  return roundTicks(labels, (label) => Number(label.slice(3, 5)), [1, 2, 5, 10, 15, 30], most);
}
