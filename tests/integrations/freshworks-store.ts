/**
 * Stand-ins for the Freshworks platform's key-value store (`$db`) and scheduler (`$schedule`),
 * with the documented platform 3.0 limits the outbox is built around (rate limits and
 * constraints; key-value storage; scheduled events), so that code which exceeds them fails here
 * as it would there:
 *
 * - `$db`: 50 operations a minute per installation (set, get, update, delete; else 429), a key of
 *   at most 60 characters, key and value together at most 40 KB, a value that is a non-empty JSON
 *   object whose empty strings, NaN and infinities become null; `set` with `setIf: 'exist' |
 *   'not_exist'`; `update(key, 'set' | 'append' | 'increment' | 'remove', attributes)`. Errors
 *   are `{ status, message }`: 404 "Record not found" for a missing key (`get`, `delete`, an
 *   `update` that sets or removes; `append` and `increment` create the key, as documented), 400
 *   "The setIf conditional request failed" as Freshworks' own samples match it.
 * - `$schedule`: `create({ name, data, schedule_at, repeat })`, `fetch({ name })`,
 *   `delete({ name })`; at most one recurring schedule, `data` at most 4 KB, a name used once
 *   (409), `schedule_at` at least 5 minutes away (as Freshworks' scheduled-events pages say), and
 *   (assumed: the documentation's example, no stated minimum) an interval of at least 5 minutes.
 * - `$db.set`'s `ttl` (seconds): the key is gone once it has passed.
 *
 * Time is the `clock` passed in, so tests move it instead of waiting.
 */

type StoreError = { status: number; message: string };
const fail = (status: number, message: string): StoreError => ({ status, message });

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** What the platform keeps of a value: JSON, with empty strings, NaN and infinities as null. */
function normalise(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (v === '' || (typeof v === 'number' && !Number.isFinite(v)) ? null : v)));
}

export class FreshworksStore {
  readonly data = new Map<string, Record<string, unknown>>();
  /** Every operation made (failed ones included); those refused by the rate limit are in `refused`. */
  readonly operations: { at: number; op: string; key: string; ok: boolean }[] = [];
  readonly refused: { at: number; op: string; key: string }[] = [];
  /** When each key set with a `ttl` expires (epoch ms). */
  readonly expires = new Map<string, number>();
  static readonly OPS_PER_MINUTE = 50;
  static readonly MAX_KEY_CHARS = 60;
  static readonly MAX_BYTES = 40 * 1024;

  constructor(private readonly clock: () => number) {}

  /** The `$db` object handed to the app. */
  api() {
    return {
      set: (key: string, value: unknown, options: { setIf?: string; ttl?: number } = {}) => this.run('set', key, () => this.set(key, value, options)),
      get: (key: string) => this.run('get', key, () => this.read(key)),
      delete: (key: string) =>
        this.run('delete', key, () => {
          this.read(key);
          this.data.delete(key);
          return { Deleted: true };
        }),
      update: (key: string, action: string, attributes: Record<string, unknown> | string[], options: { setIf?: string } = {}) =>
        this.run('update', key, () => this.update(key, action, attributes, options)),
    };
  }

  private readonly planned: { op: string; key: string; error: StoreError }[] = [];

  /** The next `op` on `key` fails with `error` (once), as a store that falters might. */
  failNext(op: string, key: string, error: StoreError): void {
    this.planned.push({ op, key, error });
  }

  /** Operations made in the minute before now (the rate limit's window). */
  opsInLastMinute(): number {
    const now = this.clock();
    return this.operations.filter((o) => o.at > now - 60_000).length;
  }

  private async run<T>(op: string, key: string, action: () => T): Promise<T> {
    if (this.opsInLastMinute() >= FreshworksStore.OPS_PER_MINUTE) {
      this.refused.push({ at: this.clock(), op, key });
      throw fail(429, `You have exceeded the limit of ${FreshworksStore.OPS_PER_MINUTE} requests per minute`);
    }
    const record = { at: this.clock(), op, key, ok: false };
    this.operations.push(record);
    this.expire();
    const planned = this.planned.findIndex((p) => p.op === op && p.key === key);
    if (planned >= 0) throw this.planned.splice(planned, 1)[0]!.error;
    if (typeof key !== 'string' || key.trim() === '') throw fail(400, 'The key should not be blank');
    if (key.length > FreshworksStore.MAX_KEY_CHARS) throw fail(400, `The key should not exceed ${FreshworksStore.MAX_KEY_CHARS} characters`);
    const result = action();
    record.ok = true;
    return result;
  }

  /** Drops the keys whose ttl has passed, as the store would have. */
  private expire() {
    for (const [key, at] of this.expires) {
      if (at <= this.clock()) {
        this.data.delete(key);
        this.expires.delete(key);
      }
    }
  }

  private read(key: string) {
    const value = this.data.get(key);
    if (!value) throw fail(404, 'Record not found');
    return structuredClone(value);
  }

  private write(key: string, value: unknown) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
      throw fail(400, 'The value should be a non-empty JSON object');
    }
    const kept = normalise(value) as Record<string, unknown>;
    if (utf8(key) + utf8(JSON.stringify(kept)) > FreshworksStore.MAX_BYTES) throw fail(400, 'The combined size of the key and value exceeds 40 KB');
    this.data.set(key, kept);
  }

  private checkSetIf(key: string, setIf: string | undefined) {
    if ((setIf === 'not_exist' && this.data.has(key)) || (setIf === 'exist' && !this.data.has(key))) {
      throw fail(400, 'The setIf conditional request failed');
    }
  }

  private set(key: string, value: unknown, options: { setIf?: string; ttl?: number }) {
    this.checkSetIf(key, options.setIf);
    this.write(key, value);
    // A ttl in seconds (documented: integer or float; none or negative, the key stays).
    if (typeof options.ttl === 'number' && options.ttl >= 0) this.expires.set(key, this.clock() + options.ttl * 1000);
    else this.expires.delete(key);
    return { Created: true };
  }

  private update(key: string, action: string, attributes: Record<string, unknown> | string[], options: { setIf?: string }) {
    this.checkSetIf(key, options.setIf);
    // Documented: `append` and `increment` on a missing key store the attributes as its value.
    const creates = action === 'append' || action === 'increment';
    const current = creates && !this.data.has(key) ? {} : this.read(key);
    if (action === 'set') Object.assign(current, attributes);
    else if (action === 'remove') {
      if (!Array.isArray(attributes)) throw fail(400, 'The attributes object passed to remove action should be of type array');
      for (const name of attributes) delete current[name];
    } else if (action === 'append' || action === 'increment') {
      for (const [name, value] of Object.entries(attributes)) {
        if (action === 'append') {
          if (!Array.isArray(value) || value.length === 0) throw fail(400, 'The value passed to append should be a non-empty array');
          const existing = current[name] ?? [];
          if (!Array.isArray(existing)) throw fail(400, `${name} is not an array`);
          current[name] = [...existing, ...value];
        } else {
          current[name] = Number(current[name] ?? 0) + Number(value);
        }
      }
    } else throw fail(400, `unknown update action ${action}`);
    this.write(key, current);
    return { Updated: true };
  }
}

export type Schedule = { name: string; data: Record<string, unknown>; schedule_at: string; repeat?: { time_unit: string; frequency: number } };

export class FreshworksScheduler {
  readonly schedules = new Map<string, Schedule>();
  readonly calls: { op: string; name: string }[] = [];

  constructor(private readonly clock: () => number) {}

  api() {
    return {
      create: async (schedule: Schedule) => {
        this.calls.push({ op: 'create', name: schedule?.name });
        if (!schedule?.name || schedule.name.length > 30) throw fail(400, 'The schedule name is required, at most 30 characters');
        if (this.schedules.has(schedule.name)) throw fail(409, `A schedule named ${schedule.name} already exists`);
        if (Buffer.byteLength(JSON.stringify(schedule.data ?? {})) > 4096) throw fail(400, 'The schedule data exceeds 4 KB');
        const at = Date.parse(schedule.schedule_at);
        if (!Number.isFinite(at) || at < this.clock() + 5 * 60_000) throw fail(400, 'The schedule_at time must be at least 5 minutes from the current time');
        if (schedule.repeat) {
          const minutes = { minutes: 1, hours: 60, days: 1440 }[schedule.repeat.time_unit];
          if (!minutes || !(schedule.repeat.frequency * minutes >= 5)) throw fail(400, 'A recurring schedule repeats at most every 5 minutes');
          if ([...this.schedules.values()].some((s) => s.repeat)) throw fail(400, 'An installation may have one recurring schedule');
        }
        this.schedules.set(schedule.name, structuredClone(schedule));
        return { created: true };
      },
      fetch: async ({ name }: { name: string }) => {
        this.calls.push({ op: 'fetch', name });
        const schedule = this.schedules.get(name);
        if (!schedule) throw fail(404, 'Schedule not found');
        return structuredClone(schedule);
      },
      delete: async ({ name }: { name: string }) => {
        this.calls.push({ op: 'delete', name });
        if (!this.schedules.delete(name)) throw fail(404, 'Schedule not found');
        return { deleted: true };
      },
    };
  }
}
