/**
 * The `npm run simulate` command line: node:util parseArgs for the syntax, zod for the values.
 * Pure (no process access): the CLI passes argv and the environment in.
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import * as z from 'zod';

/** Highest --rate accepted: the generator makes roughly 25,000 events a second on one core. */
export const MAX_RATE = 5_000;

export const USAGE = `usage: npm run simulate -- --rate N --url URL [--token TOKEN] [--duration 60s|5m|1h] [--seed S] [--batch-ms 200]

Streams generated live Freshchat conversation events (timestamps of "now") into a running
dashboard at about N events a second, until Ctrl-C / SIGTERM or for --duration. The demo
generator's volume is calibrated to N at the start (it then follows the hour of the day; bursts
are sent at no more than 2N). Beyond what the generators can hold in memory or build quickly at
the start, each event is sent as several copies with fresh conversation ids.

  --rate N         events per second to send (0 < N <= ${MAX_RATE})
  --url URL        the dashboard, e.g. http://localhost:3000 (events go to URL/api/events)
  --token TOKEN    its ingest token (default: the INGEST_TOKEN environment variable)
  --duration D     stop after D of streaming: 90s, 5m, 1h, 1500ms (a bare number means seconds);
                   default: run until stopped
  --seed S         seed of the generated conversations (default: random, printed; a seed used
                   again reuses conversation ids); the team (agents, groups, topics) is always
                   the first-run demo team
  --batch-ms MS    send what is due every MS milliseconds, as one NDJSON request (default 200)
  -h, --help       this text

A status line goes to stderr every 5 s; the summary goes to stdout at the end.
Exit status: 0 when done or stopped, 1 on a fatal error (token refused, server unreachable),
2 on a usage error.`;

export type SimulateOptions = {
  rate: number;
  /** Where to POST: the dashboard's /api/events. */
  endpoint: string;
  token: string;
  /** Milliseconds of streaming, or null to run until stopped. */
  durationMs: number | null;
  seed: number;
  batchMs: number;
};

export type ParsedCli = { kind: 'run'; options: SimulateOptions } | { kind: 'help' } | { kind: 'error'; message: string };

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "90s", "5m", "1h", "1500ms", "2.5m" or a bare number of seconds, in milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * UNITS[(match[2] ?? 's').toLowerCase()]!;
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** The ingest endpoint for a dashboard URL: its /api/events (kept as is when already given). */
export function ingestEndpoint(url: string): string {
  const u = new URL(url);
  if (!/\/api\/events\/?$/.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, '')}/api/events`;
  return u.toString();
}

const numberText = (name: string) =>
  z
    .string({ error: `${name} needs a number` })
    .trim()
    .refine((s) => s !== '' && Number.isFinite(Number(s)), `${name} must be a number`)
    .transform(Number);

const schema = z.object({
  rate: z
    .string({ error: '--rate N is required (events per second)' })
    .pipe(numberText('--rate'))
    .pipe(z.number().gt(0, '--rate must be more than 0').max(MAX_RATE, `--rate must be at most ${MAX_RATE}`)),
  url: z
    .string({ error: '--url URL is required (the dashboard, e.g. http://localhost:3000)' })
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), '--url must be an http:// or https:// URL, e.g. http://localhost:3000'),
  token: z.string({ error: '--token TOKEN is required (or set INGEST_TOKEN in the environment)' }).min(1, '--token must not be empty'),
  duration: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return null;
      const ms = parseDuration(s);
      if (ms === null || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `--duration must be a positive time such as 90s, 5m or 1h (got "${s}")` });
        return z.NEVER;
      }
      return ms;
    }),
  seed: numberText('--seed')
    .pipe(z.number().int('--seed must be an integer').min(0, '--seed must be 0 or more').max(2 ** 31 - 1, '--seed must be below 2^31'))
    .optional(),
  batchMs: numberText('--batch-ms')
    .pipe(z.number().int('--batch-ms must be a whole number of milliseconds').min(20, '--batch-ms must be at least 20').max(10_000, '--batch-ms must be at most 10000'))
    .optional(),
});

export function parseCli(argv: string[], env: Record<string, string | undefined>): ParsedCli {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string' },
        url: { type: 'string' },
        token: { type: 'string' },
        duration: { type: 'string' },
        seed: { type: 'string' },
        'batch-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const parsed = schema.safeParse({
    rate: values.rate,
    url: values.url,
    token: (values.token as string | undefined) ?? (env.INGEST_TOKEN || undefined),
    duration: values.duration,
    seed: values.seed,
    batchMs: values['batch-ms'],
  });
  if (!parsed.success) return { kind: 'error', message: parsed.error.issues.map((issue) => issue.message).join('\n') };
  const { rate, url, token, duration, seed, batchMs } = parsed.data;
  return {
    kind: 'run',
    options: { rate, endpoint: ingestEndpoint(url), token, durationMs: duration, seed: seed ?? randomInt(1, 2 ** 31 - 1), batchMs: batchMs ?? 200 },
  };
}
