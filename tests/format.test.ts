import { describe, expect, it } from 'vitest';
import { axisCount, count, hours, percent } from '@/lib/format';

describe('how figures read', () => {
  it('writes counts on chart axes short enough to stay clear of the axis title', () => {
    // A year at a million conversations puts 800,000 on the histogram's axis; "800000" ran into "conversations".
    expect([0, 950, 4_500, 12_000, 800_000, 1_234_567].map(axisCount)).toEqual(['0', '950', '4.5K', '12K', '800K', '1.2M']);
  });

  it('writes counts in tables with thousands separators, hours with one decimal, shares as percentages', () => {
    expect(count(998_179)).toBe('998,179');
    expect(hours(3.45)).toBe('3.5 h');
    expect(hours(null)).toBe('–');
    expect(percent(10, 42)).toBe('23.8 %');
    expect(percent(1, 0)).toBe('–');
  });
});
