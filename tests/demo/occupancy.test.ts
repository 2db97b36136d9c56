import { describe, expect, it } from 'vitest';
import { Occupancy } from '@/lib/demo/occupancy';

const H = 60 * 60_000;

describe('demo routing occupancy', () => {
  const occupancy = () => {
    const o = new Occupancy();
    // Agent a: 09:00–12:00, 10:00–11:00, 13:30–15:00 (hours from 0); agent b holds nothing.
    o.add({ agentId: 'a', from: 9 * H, to: 12 * H });
    o.add({ agentId: 'a', from: 10 * H, to: 11 * H });
    o.add({ agentId: 'a', from: 13.5 * H, to: 15 * H });
    return o;
  };

  it('counts what an agent holds at a time and within the hour after it', () => {
    const o = occupancy();
    expect(o.load('a', 8 * H)).toBe(0); // 09:00 is an hour away: not within [08:00, 09:00)
    expect(o.load('a', 8.5 * H)).toBe(1); // the 09:00 hold starts within the hour
    expect(o.load('a', 10.5 * H)).toBe(2);
    expect(o.load('a', 11 * H)).toBe(1); // a hold ends at its `to`
    expect(o.load('a', 12.75 * H)).toBe(1); // 13:30 is within the hour
    expect(o.load('a', 15 * H)).toBe(0);
    expect(o.load('b', 10 * H)).toBe(0);
  });

  it('finds when an agent has room: now, else the first end of a hold that brings the load below capacity', () => {
    const o = occupancy();
    expect(o.freeFrom('b', 10 * H, 1)).toEqual({ at: 10 * H, load: 0 });
    expect(o.freeFrom('a', 10 * H, 3)).toEqual({ at: 10 * H, load: 2 });
    expect(o.freeFrom('a', 10 * H, 2)).toEqual({ at: 11 * H, load: 1 }); // 10:00–11:00 ends
    // Capacity 1: at 11:00 the 09:00–12:00 hold remains; at 12:00 the 13:30 one is not within the hour.
    expect(o.freeFrom('a', 10 * H, 1)).toEqual({ at: 12 * H, load: 0 });
    // From 13:00 the 13:30–15:00 hold counts: free at its end.
    expect(o.freeFrom('a', 13 * H, 1)).toEqual({ at: 15 * H, load: 0 });
  });

  it('gives the same answers after forgetting what ended before the time asked about', () => {
    const o = occupancy();
    o.forgetBefore(11.5 * H);
    expect(o.load('a', 11.5 * H)).toBe(1);
    expect(o.load('a', 12.75 * H)).toBe(1);
    expect(o.freeFrom('a', 11.5 * H, 1)).toEqual({ at: 12 * H, load: 0 });
  });

  it('ignores empty holds', () => {
    const o = new Occupancy();
    o.add({ agentId: 'a', from: 5 * H, to: 5 * H });
    expect(o.load('a', 5 * H)).toBe(0);
  });
});
