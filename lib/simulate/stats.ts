/** Counters of a simulation run, the 5-second status line and the final summary. */

export class Stats {
  /** Events in requests the server answered (accepted + duplicates + rejected). */
  sent = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  /** Events dropped: history before the start, or too late to be live. */
  skipped = 0;
  /** Events of batches given up on (not retryable, or retries exhausted). */
  failed = 0;
  /** Failed attempts: every error response or network error, retried or not. */
  errors = 0;
  requests = 0;
  /** Most recent (time, sent) samples, for the current rate. */
  private samples: { at: number; sent: number }[] = [];

  constructor(
    readonly startedAt: number,
    readonly requestedRate: number,
  ) {
    this.samples.push({ at: startedAt, sent: 0 });
  }

  /** Events a second over the last `windowMs` (since the start when shorter). */
  currentRate(now: number, windowMs = 5_000): number {
    this.samples.push({ at: now, sent: this.sent });
    while (this.samples.length > 2 && this.samples[1]!.at <= now - windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    return seconds > 0 ? (this.sent - first.sent) / seconds : 0;
  }

  averageRate(now: number): number {
    const seconds = (now - this.startedAt) / 1000;
    return seconds > 0 ? this.sent / seconds : 0;
  }

  statusLine(now: number, lagMs = 0): string {
    const parts = [
      `sent ${fmt(this.sent)}`,
      `accepted ${fmt(this.accepted)}`,
      `duplicates ${fmt(this.duplicates)}`,
      `rejected ${fmt(this.rejected)}`,
      `rate ${this.currentRate(now).toFixed(1)}/s (target ${fmt(this.requestedRate)})`,
      `errors ${fmt(this.errors)}`,
    ];
    if (lagMs >= 1_000) parts.push(`behind ${(lagMs / 1000).toFixed(1)} s`);
    return `[${((now - this.startedAt) / 1000).toFixed(0).padStart(4)} s] ${parts.join(', ')}`;
  }

  summary(now: number, how: string, seed: number): string {
    const seconds = (now - this.startedAt) / 1000;
    const rows: [string, string][] = [
      ['streamed for', `${seconds.toFixed(1)} s (${how})`],
      ['requested rate', `${fmt(this.requestedRate)} events/s`],
      ['achieved rate', `${this.averageRate(now).toFixed(1)} events/s`],
      ['sent', fmt(this.sent)],
      ['accepted', fmt(this.accepted)],
      ['duplicates', fmt(this.duplicates)],
      ['rejected', fmt(this.rejected)],
      ['failed', `${fmt(this.failed)} events not delivered`],
      ['skipped', `${fmt(this.skipped)} events (history before the start, or too late to be live)`],
      ['requests', `${fmt(this.requests)} (${fmt(this.errors)} errors)`],
      ['seed', String(seed)],
    ];
    return ['simulate summary', ...rows.map(([k, v]) => `  ${k.padEnd(15)} ${v}`)].join('\n');
  }
}

function fmt(n: number): string {
  return n.toLocaleString('en');
}
