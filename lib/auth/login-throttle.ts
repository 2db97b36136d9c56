/**
 * Slows down password guessing, in memory (one server process). Each client gets a few free
 * attempts; after that every wrong password locks that client out for twice as long as the last
 * time (5 s, 10 s, 20 s, … up to 15 min). A correct password clears the client's record.
 * A second, global counter backs it up: the client key comes from X-Forwarded-For, which a
 * client talking to the server directly can forge, so all failures together are limited too.
 */
export const FREE_ATTEMPTS = 3;
export const GLOBAL_FREE_ATTEMPTS = 30;
export const FIRST_DELAY_MS = 5_000;
export const MAX_DELAY_MS = 15 * 60_000;

type Record = { failures: number; lockedUntil: number };

export class LoginThrottle {
  private readonly clients = new Map<string, Record>();
  private readonly all: Record = { failures: 0, lockedUntil: 0 };

  /** Milliseconds the client must still wait before another attempt is even checked; 0 when it may try. */
  waitMs(client: string, now = Date.now()): number {
    const own = this.clients.get(client)?.lockedUntil ?? 0;
    return Math.max(0, own - now, this.all.lockedUntil - now);
  }

  failed(client: string, now = Date.now()): void {
    const record = this.clients.get(client) ?? { failures: 0, lockedUntil: 0 };
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
