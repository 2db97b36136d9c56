import type { AgentEdges, Bucket } from '@/lib/queries/load-timeline';

/**
 * The load chart's rule stated plainly, to check the chart's one-pass sweeps against
 * (load-timeline.ts: peaksByAgent, peaksOfAgents): the chosen agents' edges copied out on their
 * own, then counted bucket by bucket.
 */

/** Intervals as their starts and their ends, each sorted ascending. */
export type Edges = { starts: Float64Array; ends: Float64Array };

/** The edges of the chosen agents, in their order. */
export function edgesOfAgents({ agentIds, starts, startAgents, ends, endAgents }: AgentEdges, chosen: ReadonlySet<string>): Edges {
  const pick = (values: Float64Array, agents: Uint16Array) => Float64Array.from([...values].filter((_, k) => chosen.has(agentIds[agents[k]!]!)));
  return { starts: pick(starts, startAgents), ends: pick(ends, endAgents) };
}

/** The peak number of intervals open at once ([from, to)) in each bucket; at equal times ends come before starts. */
export function peaksOf({ starts, ends }: Edges, buckets: readonly Bucket[]): number[] {
  const events = [...[...starts].map((at) => ({ at, delta: 1 })), ...[...ends].map((at) => ({ at, delta: -1 }))].sort((a, b) => a.at - b.at || a.delta - b.delta);
  return buckets.map((bucket) => {
    let open = 0;
    let k = 0;
    for (; k < events.length && events[k]!.at <= bucket.start; k++) open += events[k]!.delta;
    let peak = open;
    for (; k < events.length && events[k]!.at < bucket.end; k++) {
      open += events[k]!.delta;
      peak = Math.max(peak, open);
    }
    return peak;
  });
}
