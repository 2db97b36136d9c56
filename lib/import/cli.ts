import { parseArgs } from 'node:util';
import * as z from 'zod';
import { ConfigError, parseConfig } from '../config';
import { MAX_EVENTS_PER_REQUEST } from '../ingest/read-body';
import { errorMessage, FatalImportError } from './errors';
import { importFile } from './import-file';
import { createProgress, type ProgressReporter } from './progress';
import { openEnvelopeSource } from './read-envelopes';
import { httpSink, localSink, type Sink } from './sinks';
import { EXIT, exitCodeOf, formatSummary } from './summary';
import { fromInvocation } from '../invocation-path';

export const DEFAULT_BATCH = 1000;

export const USAGE = `usage: npm run import -- FILE [--url URL [--token TOKEN]] [--batch N]

Imports Freshchat conversation events from FILE, with the same validation, storage and
projections as POST /api/events. Importing is idempotent: run it again and the events already
stored count as duplicates, nothing is stored twice.

  FILE           NDJSON (one envelope a line) or a JSON array of envelopes, either of them
                 optionally gzip-compressed: recognised from the content, not from the name.
                 Read as a stream, so its size does not matter. A relative path is relative to
                 the directory npm was run from.
  --url URL      send to a running dashboard (its base URL, e.g. http://localhost:3000) through
                 POST /api/events; without --url, events go straight into the local database
                 (DATABASE_URL, default file:./data/dashboard.db)
  --token TOKEN  the dashboard's INGEST_TOKEN (with --url; default: the INGEST_TOKEN variable)
  --batch N      events a transaction or request, 1 to ${MAX_EVENTS_PER_REQUEST.toLocaleString('en')} (default ${DEFAULT_BATCH.toLocaleString('en')})
  -h, --help     this text

Malformed lines and events that fail validation are reported (first 10, with their NDJSON line
number, or "item N", the 0-based index in a JSON array) and skipped; the rest is imported.
Requests are retried (5 tries, exponential backoff) on network errors, 429 and 5xx.
Progress goes to stderr, the summary to stdout.

Exit codes:
  0    every event was accepted, or was already stored (duplicate)
  2    some lines were malformed or rejected; everything else was imported
  1    fatal: bad arguments, FILE missing or unreadable, a broken JSON array (what came before
       the break is imported), the token refused (401), the dashboard unreachable after 5
       tries, the database unavailable
  130  interrupted (Ctrl-C): the batch in flight is finished, the rest of the file is not read
`;

const argsSchema = z.object({
  help: z.boolean().default(false),
  files: z
    .array(z.string())
    .min(1, 'missing: name the file to import')
    .max(1, 'one file at a time'),
  url: z
    .url({ protocol: /^https?$/, error: 'must be the http:// or https:// base URL of the dashboard, e.g. http://localhost:3000' })
    .optional(),
  token: z
    .string()
    .regex(/^[\x21-\x7e]+$/, 'must be the INGEST_TOKEN: printable characters, no spaces')
    .optional(),
  batch: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_EVENTS_PER_REQUEST, `must be at most ${MAX_EVENTS_PER_REQUEST.toLocaleString('en')} (the most POST /api/events takes in one request)`)
    .default(DEFAULT_BATCH),
});

export type CliArgs =
  | { help: true }
  | { help: false; file: string; batch: number; target: { kind: 'local' } | { kind: 'http'; url: string; token: string } };

/** Reads the command line with node:util parseArgs, then checks it with zod. `env` supplies INGEST_TOKEN and INIT_CWD. */
export function parseCliArgs(argv: readonly string[], env: Record<string, string | undefined>): { ok: true; args: CliArgs } | { ok: false; error: string } {
  let raw;
  try {
    raw = parseArgs({
      args: [...argv],
      options: { url: { type: 'string' }, token: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
  if (raw.values.help) return { ok: true, args: { help: true } };

  const result = argsSchema.safeParse({ ...raw.values, files: raw.positionals });
  if (!result.success) {
    const names: Record<string, string> = { files: 'FILE', url: '--url', token: '--token', batch: '--batch' };
    return { ok: false, error: result.error.issues.map((issue) => `${names[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`).join('\n') };
  }
  const { files, url, token, batch } = result.data;
  const file = fromInvocation(files[0]!, env);
  if (url === undefined) {
    if (token !== undefined) return { ok: false, error: '--token: only used with --url (without --url, events go straight into the local database)' };
    return { ok: true, args: { help: false, file, batch, target: { kind: 'local' } } };
  }
  const ingestToken = token ?? (env.INGEST_TOKEN?.trim() || undefined);
  if (ingestToken === undefined) return { ok: false, error: "--url needs the dashboard's INGEST_TOKEN: pass --token TOKEN or set INGEST_TOKEN" };
  return { ok: true, args: { help: false, file, batch, target: { kind: 'http', url, token: ingestToken } } };
}

type Output = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/** `npm run import`: returns the exit code (see USAGE). */
export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  io: { stdout: Output; stderr: NodeJS.WriteStream } = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const parsed = parseCliArgs(argv, env);
  if (!parsed.ok) {
    io.stderr.write(`error: ${parsed.error}\n(usage: npm run import -- --help)\n`);
    return EXIT.fatal;
  }
  const args = parsed.args;
  if (args.help) {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }

  let progress: ProgressReporter | null = null;
  const log = (message: string) => (progress ? progress.log(message) : io.stderr.write(`${message}\n`));
  let sink: Sink<unknown>;
  let source;
  try {
    // The file first: a mistyped name must not leave an empty database behind.
    source = await openEnvelopeSource(args.file);
    sink = openSink(args.target, env, log);
  } catch (error) {
    io.stderr.write(`error: ${errorMessage(error)}\n`);
    return EXIT.fatal;
  }

  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT.interrupted);
    stop.abort();
    log('stopping after the batch in flight (press Ctrl-C again to quit at once)');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  progress = createProgress({ totalBytes: source.sizeBytes, stream: io.stderr });
  let summary;
  try {
    summary = await importFile({ source, sink, batchSize: args.batch, progress, signal: stop.signal });
  } finally {
    progress.stop();
    progress = null;
    sink.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  if (summary.stopped?.reason === 'fatal') {
    const { error, message } = summary.stopped;
    // A FatalImportError is a situation, explained by its message; anything else is a bug, with its stack.
    const bug = error instanceof Error && !(error instanceof FatalImportError) && error.stack;
    io.stderr.write(`error: ${message}\n${bug ? `${bug}\n` : ''}`);
  }
  io.stdout.write(formatSummary(summary));
  return exitCodeOf(summary);
}

function openSink(target: Extract<CliArgs, { help: false }>['target'], env: Record<string, string | undefined>, onRetry: (message: string) => void): Sink<unknown> {
  // importFile only ever hands a sink the values its own encode() made, so widening is safe.
  if (target.kind === 'http') return httpSink({ url: target.url, token: target.token, onRetry }) as Sink<unknown>;
  let databasePath: string;
  try {
    databasePath = parseConfig(env).databasePath;
  } catch (error) {
    if (error instanceof ConfigError) throw new FatalImportError(error.message);
    throw error;
  }
  return localSink(databasePath, { onRetry });
}
