import { describe, expect, it } from 'vitest';
import { FIRST_RUN_DEMO } from '@/lib/demo/demo-data';
import { generatorOptionsSchema } from '@/lib/demo/generator';
import {
  DAY,
  generatorMemoryMb,
  HOUR,
  KB_PER_CONVERSATION,
  MAX_CONVERSATIONS_PER_DAY,
  MAX_COPIES,
  MAX_SHARDS,
  memoryPerThousand,
  planShards,
  shardSeed,
  windowAt,
} from '@/lib/simulate/calibrate';
import { ingestEndpoint, MAX_RATE, parseCli, parseDuration } from '@/lib/simulate/options';
import { TEAM_SEED } from '@/lib/simulate/team';

describe('command line', () => {
  const base = ['--rate', '50', '--url', 'http://localhost:3000', '--token', 'secret-token'];

  it('parses a full command line', () => {
    const cli = parseCli([...base, '--duration', '5m', '--seed', '42', '--batch-ms', '250'], {});
    expect(cli).toEqual({
      kind: 'run',
      options: { rate: 50, endpoint: 'http://localhost:3000/api/events', token: 'secret-token', durationMs: 300_000, seed: 42, batchMs: 250 },
    });
  });

  it('has defaults: no duration (until stopped), 200 ms batches, a random seed', () => {
    const cli = parseCli(base, {});
    expect(cli.kind).toBe('run');
    if (cli.kind !== 'run') return;
    expect(cli.options).toMatchObject({ durationMs: null, batchMs: 200 });
    expect(Number.isInteger(cli.options.seed)).toBe(true);
  });

  it('takes the token from INGEST_TOKEN when --token is absent, --token first', () => {
    const args = ['--rate', '5', '--url', 'http://h'];
    expect(parseCli(args, { INGEST_TOKEN: 'from-env' })).toMatchObject({ options: { token: 'from-env' } });
    expect(parseCli([...args, '--token', 'flag'], { INGEST_TOKEN: 'from-env' })).toMatchObject({ options: { token: 'flag' } });
    expect(parseCli(args, { INGEST_TOKEN: '' })).toEqual({ kind: 'error', message: expect.stringContaining('INGEST_TOKEN') });
  });

  it('prints usage for --help', () => {
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['-h'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    [['--url', 'http://h', '--token', 't'], '--rate N is required'],
    [['--rate', 'fast', '--url', 'http://h', '--token', 't'], '--rate must be a number'],
    [['--rate', '0', '--url', 'http://h', '--token', 't'], '--rate must be more than 0'],
    [['--rate', String(MAX_RATE + 1), '--url', 'http://h', '--token', 't'], `--rate must be at most ${MAX_RATE}`],
    [['--rate', '5', '--token', 't'], '--url URL is required'],
    [['--rate', '5', '--url', 'localhost:3000', '--token', 't'], '--url must be an http:// or https:// URL'],
    [['--rate', '5', '--url', 'ftp://h', '--token', 't'], '--url must be an http:// or https:// URL'],
    [['--rate', '5', '--url', 'http://h'], '--token TOKEN is required'],
    [['--rate', '5', '--url', 'http://h', '--token', 't', '--duration', 'soon'], '--duration must be a positive time such as 90s, 5m or 1h (got "soon")'],
    [['--rate', '5', '--url', 'http://h', '--token', 't', '--duration', '0s'], '--duration must be a positive time'],
    [['--rate', '5', '--url', 'http://h', '--token', 't', '--seed', '1.5'], '--seed must be an integer'],
    [['--rate', '5', '--url', 'http://h', '--token', 't', '--batch-ms', '5'], '--batch-ms must be at least 20'],
    [['--rate', '5', '--url', 'http://h', '--token', 't', '--rat', '5'], "Unknown option '--rat'"],
    [['--rate', '5', '--url', 'http://h', '--token', 't', 'extra'], 'extra'],
    [['--rate'], "Option '--rate <value>' argument missing"],
  ])('refuses %j with a clear message', (argv, message) => {
    const cli = parseCli(argv, {});
    expect(cli.kind).toBe('error');
    expect(cli.kind === 'error' && cli.message).toContain(message);
  });

  it('reads durations with units, a bare number as seconds', () => {
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1500ms')).toBe(1_500);
    expect(parseDuration('2.5m')).toBe(150_000);
    expect(parseDuration('10')).toBe(10_000);
    expect(parseDuration('-5s')).toBeNull();
    expect(parseDuration('5 days')).toBeNull();
  });

  it('posts to the dashboard’s /api/events', () => {
    expect(ingestEndpoint('http://localhost:3000')).toBe('http://localhost:3000/api/events');
    expect(ingestEndpoint('http://localhost:3000/')).toBe('http://localhost:3000/api/events');
    expect(ingestEndpoint('https://dash.example/base/')).toBe('https://dash.example/base/api/events');
    expect(ingestEndpoint('http://h:1/api/events')).toBe('http://h:1/api/events');
  });
});

describe('generator plan', () => {
  // Around midday on a weekday: ~7 events/s per 100,000 conversations a day; an hour in, ~0.23 history events per conversation a day.
  const midday = { perConversationPerDay: 7e-5, historyPerConversationPerDay: 0.23 };

  it('tracks the generator’s limits', () => {
    expect(generatorOptionsSchema.safeParse({ conversationsPerDay: MAX_CONVERSATIONS_PER_DAY }).success).toBe(true);
    expect(generatorOptionsSchema.safeParse({ conversationsPerDay: MAX_CONVERSATIONS_PER_DAY + 1 }).success).toBe(false);
    expect(TEAM_SEED).toBe(FIRST_RUN_DEMO.seed);
  });

  it('uses one generator for a low rate', () => {
    const plan = planShards(5, midday, generatorMemoryMb(1));
    expect(plan).toMatchObject({ shards: 1, copies: 1, limitedBy: 'rate' });
    expect(plan.conversationsPerDay).toBeCloseTo(5 / 7e-5, 0);
    expect(plan.expectedRate).toBeCloseTo(5, 6);
  });

  it('splits into generators of at most 100,000 conversations a day', () => {
    const plan = planShards(20, midday, generatorMemoryMb(0.5));
    expect(plan.shards).toBe(3);
    expect(plan.copies).toBe(1);
    expect(plan.conversationsPerDay).toBeLessThanOrEqual(MAX_CONVERSATIONS_PER_DAY);
    expect(plan.expectedRate).toBeCloseTo(20, 6);
  });

  it('sends copies past the memory budget of a long run, or the start-up budget of a high rate', () => {
    const long = planShards(50, midday, generatorMemoryMb(Infinity));
    expect(long).toMatchObject({ copies: 2, limitedBy: 'memory' });
    expect(long.shards * long.conversationsPerDay).toBeLessThanOrEqual(410_000);
    expect(long.expectedRate).toBeCloseTo(50, 6);
    const high = planShards(500, midday, generatorMemoryMb(1.1));
    expect(high.limitedBy).toBe('start-up');
    expect(high.shards * high.conversationsPerDay * midday.historyPerConversationPerDay).toBeLessThanOrEqual(100_001);
    expect(high.expectedRate).toBeCloseTo(500, 6);
    expect(high.shards).toBeLessThanOrEqual(MAX_SHARDS);
  });

  it('says so when even the most copies cannot reach the rate', () => {
    const plan = planShards(50, { perConversationPerDay: 0, historyPerConversationPerDay: 0 }, 0);
    expect(plan.copies).toBe(MAX_COPIES);
    expect(plan.expectedRate).toBeLessThan(1);
  });

  it('estimates the generators’ memory from the sample when it covers the run, else from the window’s age', () => {
    expect(memoryPerThousand({ createdPerConversationPerDay: 0.1 }, true, 1)).toBeCloseTo(0.1 * KB_PER_CONVERSATION, 9);
    expect(memoryPerThousand({ createdPerConversationPerDay: 0.1 }, false, 3)).toBe(generatorMemoryMb(3));
    expect(generatorMemoryMb(1)).toBeGreaterThanOrEqual(0.65); // measured: 65 MB per 100,000 a day after an hour
    expect(generatorMemoryMb(Infinity)).toBeGreaterThanOrEqual(4.7); // 470 MB at most, measured over 36 h
    // A quiet night creates few conversations: the memory budget then allows many more a day.
    const night = { perConversationPerDay: 0.25e-5, historyPerConversationPerDay: 0.01 };
    expect(planShards(50, night, memoryPerThousand({ createdPerConversationPerDay: 0.004 }, true, 1)).copies).toBeLessThan(
      planShards(50, night, generatorMemoryMb(1)).copies,
    );
  });

  it('opens windows on a whole hour, at least 10 minutes before now, for a day', () => {
    const now = Date.parse('2026-11-25T13:47:12.345Z');
    expect(windowAt(now)).toEqual({ start: Date.parse('2026-11-25T13:00:00Z'), end: Date.parse('2026-11-25T13:00:00Z') + DAY, days: 1 });
    expect(windowAt(now).start % HOUR).toBe(0);
    expect(windowAt(Date.parse('2026-11-25T13:05:00Z')).start).toBe(Date.parse('2026-11-25T12:00:00Z'));
  });

  it('gives every generator of every window its own seed', () => {
    const seeds = new Set<number>();
    for (let w = 0; w < 20; w++) for (let k = 0; k < MAX_SHARDS; k++) seeds.add(shardSeed(2_147_483_000, w, k));
    expect(seeds.size).toBe(20 * MAX_SHARDS);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0).toBe(true);
  });
});
