import * as z from 'zod';
import { openDatabase, type Db } from '../../db/client';
import { ingestEnvelopes, type IngestSummary } from '../ingest/ingest-envelopes';
import { MAX_BODY_BYTES } from '../ingest/read-body';
import { storageUnavailableMessage } from '../ingest/storage-errors';
import { errorMessage, FatalImportError } from './errors';
import { backoffDelay, DEFAULT_RETRY, parseRetryAfter, sleep, type RetryPolicy } from './retry';

/**
 * Where batches of items go: the local database, or a running dashboard over HTTP. Either way
 * each batch is answered item by item, as POST /api/events answers a request.
 */
export type Sink<T> = {
  /** What the events go into, for the summary: the database file or the dashboard's URL. */
  target: string;
  /** What a batch holds for one item, and how many bytes of a request it takes (0 when there is no request). */
  encode(item: unknown): { value: T; bytes: number };
  /** A batch is sent before its items' bytes would pass this. */
  maxBatchBytes: number;
  /** Throws FatalImportError when the import cannot go on. */
  send(batch: readonly T[]): Promise<IngestSummary>;
  close(): void;
};

export type RetryListener = (message: string) => void;

/**
 * Writes straight into the SQLite file through `ingestEnvelopes`: the same validation, raw store
 * and projections as the HTTP route, one transaction a batch. The database is migrated first.
 */
export function localSink(databasePath: string, options: { retry?: RetryPolicy; onRetry?: RetryListener } = {}): Sink<unknown> {
  const retry = options.retry ?? DEFAULT_RETRY;
  let db: Db;
  try {
    db = openDatabase(databasePath);
  } catch (error) {
    throw new FatalImportError(`cannot open the database ${databasePath}: ${errorMessage(error)}`, { cause: error });
  }
  return {
    target: databasePath,
    encode: (item) => ({ value: item, bytes: 0 }),
    maxBatchBytes: Number.POSITIVE_INFINITY,
    async send(batch) {
      for (let attempt = 1; ; attempt++) {
        try {
          return ingestEnvelopes(db, batch);
        } catch (error) {
          const storageProblem = storageUnavailableMessage(error);
          if (storageProblem === null) throw error; // a bug, not the storage: let it surface as it is
          // The server (or another import) holding the write lock past busy_timeout is worth waiting
          // for; a full disk or a read-only file is not.
          const busy = /^SQLITE_(BUSY|LOCKED)/.test(String((error as { code?: unknown }).code));
          if (!busy || attempt >= retry.tries) {
            throw new FatalImportError(`cannot write to the database ${databasePath}: ${storageProblem}`, { cause: error });
          }
          const delay = backoffDelay(retry, attempt);
          options.onRetry?.(`database busy (try ${attempt} of ${retry.tries}); retrying in ${formatDelay(delay)}`);
          await sleep(delay);
        }
      }
    },
    close: () => db.$client.close(),
  };
}

export type HttpSinkOptions = {
  /** The dashboard's base URL, e.g. http://localhost:3000 (events go to URL/api/events). */
  url: string;
  token: string;
  retry?: RetryPolicy;
  /** Per request; a batch of 10,000 events takes the server a few seconds at most. */
  timeoutMs?: number;
  onRetry?: RetryListener;
};

/** POST /api/events answers (200, or 400 when nothing in the request was valid) carry the summary. */
const answerSchema = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  rejected: z.array(
    z.object({
      index: z.number().int().nonnegative(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  ),
}) satisfies z.ZodType<IngestSummary>;

type Attempt = { answer: Response; text: string } | { networkError: unknown };

/**
 * Sends each batch as one NDJSON request to a running dashboard. Network errors, 429 and 5xx are
 * retried with bounded exponential backoff (delivery is idempotent, so a retried batch whose
 * first attempt did arrive only counts as duplicates); other 4xx are not. A 400 means every item
 * in the batch was rejected: its body lists them, and the import goes on. 401 is fatal.
 */
export function httpSink(options: HttpSinkOptions): Sink<string> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const endpoint = new URL('api/events', options.url.endsWith('/') ? options.url : `${options.url}/`).toString();

  async function attempt(body: string): Promise<Attempt> {
    try {
      const answer = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/x-ndjson' },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { answer, text: await answer.text() };
    } catch (error) {
      return { networkError: error };
    }
  }

  return {
    target: endpoint,
    encode(item) {
      const value = JSON.stringify(item);
      return { value, bytes: Buffer.byteLength(value) + 1 }; // + the newline
    },
    maxBatchBytes: MAX_BODY_BYTES,
    async send(batch) {
      const body = `${batch.join('\n')}\n`;
      for (let tries = 1; ; tries++) {
        const result = await attempt(body);
        let problem: string;
        let retryAfterMs: number | null = null;
        if ('networkError' in result) {
          problem = `cannot reach ${endpoint}: ${errorMessage(result.networkError)}`;
        } else {
          const { answer, text } = result;
          if (answer.status === 200 || answer.status === 400) {
            const summary = answerSchema.safeParse(parseJson(text));
            if (summary.success) return checkAnswer(summary.data, batch.length, endpoint);
          }
          const what = `${endpoint} answered ${answer.status}${answerError(text)}`;
          if (answer.status === 401) {
            throw new FatalImportError(`the dashboard refused the token (${what}): pass the server's INGEST_TOKEN with --token or the INGEST_TOKEN environment variable`);
          }
          if (answer.status === 413) {
            throw new FatalImportError(`the dashboard refused a batch of ${batch.length} events (${formatBytes(Buffer.byteLength(body))}) as too large (${what}): try a smaller --batch`);
          }
          if (answer.status !== 429 && answer.status < 500) {
            throw new FatalImportError(
              answer.status === 404 ? `${what}: is --url the dashboard's base URL (e.g. http://localhost:3000)?` : `unexpected answer: ${what}`,
            );
          }
          problem = what;
          retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
        }
        if (tries >= retry.tries) throw new FatalImportError(`giving up after ${retry.tries} tries: ${problem}`);
        const delay = backoffDelay(retry, tries, retryAfterMs);
        options.onRetry?.(`${problem} (try ${tries} of ${retry.tries}); retrying in ${formatDelay(delay)}`);
        await sleep(delay);
      }
    },
    close: () => {},
  };
}

/** The summary must account for every item sent, or rejections could not be traced back to lines. */
function checkAnswer(summary: IngestSummary, sent: number, endpoint: string): IngestSummary {
  const counted = summary.accepted + summary.duplicates + summary.rejected.length;
  if (counted !== sent || summary.rejected.some((r) => r.index >= sent)) {
    throw new FatalImportError(`${endpoint} answered for ${counted} events when ${sent} were sent: is --url a dashboard?`);
  }
  return summary;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `: <the error the server gave>`, from its JSON body, or the start of a non-JSON body. */
function answerError(text: string): string {
  const body = parseJson(text);
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'string') return `: ${error}`;
  const start = text.trim().slice(0, 200);
  return start ? `: ${start}` : '';
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
