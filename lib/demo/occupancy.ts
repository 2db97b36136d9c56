/**
 * What the demo's routing knows when it picks an agent: which conversations each agent holds,
 * from when to when. Freshchat's automatic assignment gives a conversation to an agent of the
 * group who is below `max_active_conv`, the least loaded first, and leaves it waiting in the
 * group's queue while everyone is full; without this the generated team held up to ten times its
 * capacity, and the Agent load page showed a team no routing would produce.
 *
 * Conversations are generated one whole life at a time, in order of creation, so when one is
 * routed the holds of every earlier conversation are known, including those that start later
 * (a conversation created yesterday and reassigned tomorrow). Those of later conversations are
 * not: a hold can still be overtaken by one that begins during it, as a manual assignment or a
 * reopen would in a real team (a reopened conversation goes back to its agent, full or not).
 */
export type Hold = { agentId: string; from: number; to: number };

const LOOKAHEAD_MS = 60 * 60_000;

export class Occupancy {
  private readonly holds = new Map<string, Hold[]>();
  /** No question is asked about an earlier time any more: holds that ended by then are dropped. */
  private floor = -Infinity;

  add(hold: Hold): void {
    if (hold.to <= hold.from) return;
    const list = this.holds.get(hold.agentId);
    if (list) list.push(hold);
    else this.holds.set(hold.agentId, [hold]);
  }

  /** Every later question is about `time` or after (the next conversation's creation). */
  forgetBefore(time: number): void {
    this.floor = time;
  }

  /**
   * Conversations `agentId` holds at some point of the hour from `time`: not only at `time`, so
   * that a conversation routed at 09:05 sees the one an earlier life already gave the agent from
   * 09:25 (a Monday morning's backlog is routed in order of creation, not of routing time).
   */
  load(agentId: string, time: number): number {
    const until = time + LOOKAHEAD_MS;
    let open = 0;
    for (const hold of this.current(agentId)) if (hold.from < until && time < hold.to) open += 1;
    return open;
  }

  /**
   * The first moment at or after `time` when `agentId`'s load is below `capacity` (`time` itself,
   * or the end of one of their holds: only an end can lower it), and the load then.
   */
  freeFrom(agentId: string, time: number, capacity: number): { at: number; load: number } {
    const now = this.load(agentId, time);
    if (now < capacity) return { at: time, load: now };
    const ends = this.current(agentId)
      .map((hold) => hold.to)
      .filter((end) => end > time)
      .sort((a, b) => a - b);
    for (const end of ends) {
      const load = this.load(agentId, end);
      if (load < capacity) return { at: end, load };
    }
    // Unreachable: after the last end nothing is held, and capacities are at least 1.
    return { at: ends.at(-1) ?? time, load: 0 };
  }

  private current(agentId: string): Hold[] {
    const list = this.holds.get(agentId);
    if (!list) return [];
    // Pruned on use: the list stays as short as what the agent holds now and later.
    if (list.some((hold) => hold.to <= this.floor)) {
      const kept = list.filter((hold) => hold.to > this.floor);
      this.holds.set(agentId, kept);
      return kept;
    }
    return list;
  }
}
