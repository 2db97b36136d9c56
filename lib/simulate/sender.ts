/**
 * POSTs NDJSON batches to the dashboard's /api/events, retrying what is worth retrying:
 * network errors, timeouts, 429 and 5xx, with exponential backoff (Retry-After honoured, both
 * bounded). Never retried: other 4xx. 401 is fatal (the token is wrong), and so is a server that
 * stays unreachable through every retry. Ingest is idempotent, so a retried batch that had in
 * fact been stored comes back as duplicates, never twice.
 */

export type SendOutcome =
  | {
      ok: true;
      accepted: number;
      duplicates: number;
      rejected: number;
      /** The first rejected item's first issue, when some were rejected. */
      problem?: string;
      attempts: number;
    }
  | {
      ok: false;
      /** Stop the simulation: 401, or the server unreachable after every retry. */
      fatal: boolean;
      error: string;
      status?: number;
      attempts: number;
    };

export type SenderOptions = {
  endpoint: string;
  token: string;
  /** Attempts per batch, the first one included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  /** Injected for tests. */
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each retry (for the error count and a message). */
  onRetry?: (error: string, attempt: number, delayMs: number) => void;
};

/**
 * `stop`: the user asked to stop; the attempt under way finishes, no retry follows.
 * `abort`: give up at once, cancelling the request under way.
 */
export type SendControl = { stop?: AbortSignal; abort?: AbortSignal };

/** Most events in one request (the server takes up to 10,000; ~3 KB each keeps a request near 15 MB). */
export const MAX_EVENTS_PER_REQUEST = 5_000;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

type Attempt =
  | { kind: 'ok'; accepted: number; duplicates: number; rejected: number; problem?: string }
  | { kind: 'retry'; error: string; status?: number; retryAfterMs?: number; network: boolean }
  | { kind: 'fail'; error: string; status: number; fatal: boolean };

export class Sender {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: SenderOptions) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? sleep;
  }

  /**
   * Checks the URL and the token without storing anything: an empty body passes authentication
   * first (401 when the token is wrong) and is then refused as empty (400), so a 400 means
   * "reachable, token accepted".
   */
  async preflight(control: SendControl = {}): Promise<SendOutcome> {
    return this.withRetries('', control, (status) => status === 400);
  }

  /** Sends `lines` as one NDJSON request. */
  async send(lines: string[], control: SendControl = {}): Promise<SendOutcome> {
    return this.withRetries(lines.join('\n') + '\n', control);
  }

  private async withRetries(body: string, control: SendControl, treatAsOk?: (status: number) => boolean): Promise<SendOutcome> {
    const stopping = () => Boolean(control.stop?.aborted || control.abort?.aborted);
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(body, control.abort, treatAsOk);
      if (result.kind === 'ok') {
        const { kind: _kind, ...counts } = result;
        return { ok: true, ...counts, attempts: attempt };
      }
      if (result.kind === 'fail') return { ok: false, fatal: result.fatal, error: result.error, status: result.status, attempts: attempt };
      if (attempt >= this.maxAttempts || stopping()) {
        const error = result.network ? `server unreachable at ${this.options.endpoint} after ${attempt} attempt(s): ${result.error}` : `${result.error} (after ${attempt} attempt(s))`;
        // Unreachable through every retry is fatal; giving up because the user stopped is not.
        return { ok: false, fatal: result.network && !stopping(), error, status: result.status, attempts: attempt };
      }
      const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.min(this.maxDelayMs, Math.max(backoff, result.retryAfterMs ?? 0));
      this.options.onRetry?.(result.error, attempt, delay);
      await this.sleep(delay, anySignal(control.stop, control.abort));
    }
  }

  private async attempt(body: string, abort: AbortSignal | undefined, treatAsOk?: (status: number) => boolean): Promise<Attempt> {
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(this.timeoutMs);
      response = await this.fetch(this.options.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${this.options.token}` },
        body,
        signal: abort ? AbortSignal.any([abort, timeout]) : timeout,
      });
    } catch (error) {
      return { kind: 'retry', error: networkMessage(error), network: true };
    }
    let text = '';
    try {
      text = await response.text();
    } catch (error) {
      return { kind: 'retry', error: `reading the response failed: ${networkMessage(error)}`, network: true };
    }
    const json = parseJson(text);
    const serverError = typeof json?.error === 'string' ? json.error : text.slice(0, 200);
    const status = response.status;
    if (treatAsOk?.(status)) return { kind: 'ok', accepted: 0, duplicates: 0, rejected: 0 };
    // 200, or 400 with the item-by-item summary (nothing in the batch was valid): processed.
    if (status === 200 || (status === 400 && Array.isArray(json?.rejected))) {
      const rejected: any[] = Array.isArray(json?.rejected) ? json.rejected : [];
      const issue = rejected[0]?.issues?.[0];
      return {
        kind: 'ok',
        accepted: Number(json?.accepted ?? 0),
        duplicates: Number(json?.duplicates ?? 0),
        rejected: rejected.length,
        ...(rejected.length > 0 ? { problem: `item ${rejected[0]?.index}: ${issue ? `${issue.path}: ${issue.message}` : serverError}` } : {}),
      };
    }
    if (status === 401) {
      return { kind: 'fail', status, fatal: true, error: `the server refused the token (401 ${serverError}): check --token or INGEST_TOKEN against the dashboard's INGEST_TOKEN` };
    }
    if (status === 429 || status >= 500) {
      return { kind: 'retry', status, error: `HTTP ${status}: ${serverError}`, retryAfterMs: retryAfterMs(response.headers.get('retry-after')), network: false };
    }
    return { kind: 'fail', status, fatal: false, error: `HTTP ${status}: ${serverError}` };
  }
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'request timed out';
    if (error.name === 'AbortError') return 'request aborted';
    const cause = (error as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? ((cause as Error & { code?: string }).code ?? cause.message) : undefined;
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}
