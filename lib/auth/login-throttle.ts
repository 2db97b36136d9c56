/**
 * Slows down password guessing, in memory (one server process). Each client gets a few free
 * attempts; after that every wrong password locks that client out for twice as long as the last
 * time (5 s, 10 s, 20 s, … up to 15 min). A correct password clears the client's record, and
 * 15 minutes without a failure (once any lock has run out) any record.
 * A second, global counter backs it up: the client key comes from X-Forwarded-For, which a
 * client talking to the server directly can forge, so all failures together are limited too.
 */
export const FREE_ATTEMPTS = 3;
export const GLOBAL_FREE_ATTEMPTS = 30;
export const FIRST_DELAY_MS = 5_000;
export const MAX_DELAY_MS = 15 * 60_000;

/**
 * A record with no failure for this long (and no lock running) starts again from nothing: the
 * site-wide one never did, so once a process had seen about 38 wrong passwords, over any span of
 * time, each further typo locked every client out for 15 minutes.
 */
export const FORGET_AFTER_MS = MAX_DELAY_MS;

type Record = { failures: number; lockedUntil: number; lastFailedAt: number };

export class LoginThrottle {
  private readonly clients = new Map<string, Record>();
  private readonly all: Record = { failures: 0, lockedUntil: 0, lastFailedAt: 0 };

  /** Milliseconds the client must still wait before another attempt is even checked; 0 when it may try. */
  waitMs(client: string, now = Date.now()): number {
    const own = this.clients.get(client)?.lockedUntil ?? 0;
    return Math.max(0, own - now, this.all.lockedUntil - now);
  }

  failed(client: string, now = Date.now()): void {
    const record = this.clients.get(client) ?? { failures: 0, lockedUntil: 0, lastFailedAt: now };
    this.clients.set(client, lock(record, FREE_ATTEMPTS, now));
    lock(this.all, GLOBAL_FREE_ATTEMPTS, now);
    if (this.clients.size > 10_000) this.forgetOldest();
  }

  succeeded(client: string): void {
    this.clients.delete(client);
  }

  private forgetOldest(): void {
    const now = Date.now();
    for (const [key, record] of this.clients) if (record.lockedUntil < now) this.clients.delete(key);
  }
}

function lock(record: Record, free: number, now: number): Record {
  if (now - record.lastFailedAt > FORGET_AFTER_MS && now >= record.lockedUntil) record.failures = 0;
  record.lastFailedAt = now;
  record.failures += 1;
  const over = record.failures - free;
  if (over >= 0) record.lockedUntil = now + Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(over, 20));
  return record;
}

/** The client's address as the server sees it: the last X-Forwarded-For entry (set by Next.js or the proxy in front). */
export function clientKey(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  return forwarded?.split(',').at(-1)?.trim() || 'unknown';
}
