/** Bounded exponential backoff: `tries` attempts in all, waiting base, 2×base, 4×base… (at most `maxDelayMs`) in between. */
export type RetryPolicy = { tries: number; baseDelayMs: number; maxDelayMs: number };

/** 5 tries over about 7.5 s (0.5 + 1 + 2 + 4 s of waiting), longer only when the server asks for it with Retry-After. */
export const DEFAULT_RETRY: RetryPolicy = { tries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** The wait before attempt `attempt + 1` (attempt is 1-based), honouring a server's Retry-After within the policy's maximum. */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | null = null): number {
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, Math.max(exponential, retryAfterMs ?? 0));
}

/** Retry-After in milliseconds: delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
