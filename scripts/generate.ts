/**
 * `npm run generate -- --out FILE [--days N] [--per-day N] [--seed N] [--agents N] [--groups N]
 * [--channels N] [--timezone TZ]`: writes generated demo events as NDJSON (gzip when FILE ends in
 * .gz), in delivery order, for `npm run import`, benchmarks or another dashboard.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import * as z from 'zod';
import { generateEvents, generatorOptionsSchema } from '../lib/demo/generator';
import { fromInvocation } from '../lib/invocation-path';

const USAGE = `usage: npm run generate -- --out FILE [--days N] [--per-day N] [--seed N] [--agents N] [--groups N] [--channels N] [--timezone TZ]
  writes generated demo events as NDJSON (gzip when FILE ends in .gz), in delivery order; see README, "Demo data"`;

const values = parseArguments();

/** The options given; on --help the usage (exit 0), on an unknown or malformed option the problem and the usage (exit 2, no stack trace). */
function parseArguments() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        help: { type: 'boolean', short: 'h' },
        out: { type: 'string' },
        days: { type: 'string' },
        'per-day': { type: 'string' },
        seed: { type: 'string' },
        agents: { type: 'string' },
        groups: { type: 'string' },
        channels: { type: 'string' },
        timezone: { type: 'string' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  return parsed.values;
}

const number = z.coerce.number().optional();
const args = z
  .object({ out: z.string({ error: '--out FILE is required' }).min(1), days: number, 'per-day': number, seed: number, agents: number, groups: number, channels: number, timezone: z.string().optional() })
  .safeParse(values);
if (!args.success) {
  console.error(args.error.issues.map((i) => `${i.path.length ? `--${i.path.join('.')}: ` : ''}${i.message}`).join('\n'));
  process.exit(2);
}
const options = generatorOptionsSchema.safeParse({
  days: args.data.days,
  conversationsPerDay: args.data['per-day'],
  seed: args.data.seed,
  agents: args.data.agents,
  groups: args.data.groups,
  channels: args.data.channels,
  timezone: args.data.timezone,
});
if (!options.success) {
  // Named by the flag the user typed, not the generator's option (`--per-day`, not conversationsPerDay).
  const flag: Record<string, string> = { conversationsPerDay: 'per-day' };
  console.error(options.error.issues.map((i) => `--${flag[String(i.path[0])] ?? i.path.join('.')}: ${i.message}`).join('\n'));
  process.exit(2);
}

let count = 0;
async function* lines() {
  for (const envelope of generateEvents(options.data!)) {
    count++;
    yield `${JSON.stringify(envelope)}\n`;
  }
}
async function main(out: string): Promise<void> {
  const file = fs.createWriteStream(out);
  if (out.endsWith('.gz')) await pipeline(Readable.from(lines()), zlib.createGzip(), file);
  else await pipeline(Readable.from(lines()), file);
  console.log(`wrote ${count.toLocaleString('en')} events to ${out}`);
}

const out = fromInvocation(args.data.out);
main(out).catch((error) => {
  console.error(`error: cannot write --out ${out}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
