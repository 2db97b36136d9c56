/** Okabe–Ito colours: distinguishable with the common forms of colour blindness. */
export const STATUS_COLORS = { new: '#E69F00', assigned: '#0072B2', resolved: '#009E73' } as const;

/** Business hours beside calendar hours, the same two colours on every chart. */
export const BASIS_COLORS = { business: '#0072B2', calendar: '#E69F00' } as const;

/** One colour per agent line (Okabe–Ito, yellow left out: too faint on white); "others" in black, dashed. */
export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9'] as const;
export const OTHERS_COLOR = '#000000';

/** What became of received events (ingest health): Okabe–Ito blue, orange, vermillion. */
export const INGEST_COLORS = { accepted: '#0072B2', duplicates: '#E69F00', rejected: '#D55E00' } as const;

/** The rest of the Okabe–Ito set, for series beyond the three statuses (a status only some payloads bring). */
const MORE_COLORS = ['#56B4E9', '#D55E00', '#CC79A7', '#000000', '#F0E442'] as const;

/** One colour per status series: the status's own for the known ones, the next unused colour for any other. */
export function statusColors(statuses: readonly string[]): string[] {
  let other = 0;
  return statuses.map((status) => (STATUS_COLORS as Record<string, string>)[status] ?? MORE_COLORS[other++ % MORE_COLORS.length]!);
}

/** Sankey columns: channel, group, agent; grey for "nobody" and "other" nodes. */
export const FLOW_COLORS = { channel: '#0072B2', group: '#CC79A7', agent: '#E69F00', none: '#8C8C8C' } as const;
