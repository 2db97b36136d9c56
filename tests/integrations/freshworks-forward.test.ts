import { describe, expect, it } from 'vitest';
import { readFixture } from '../helpers/fixtures';
import { FreshworksRuntime } from './freshworks-runtime';

// The forwarding rules of integrations/freshworks-app/server/lib/forward.js, loaded in the
// sandbox stand-in, driven with a fake clock: no wall-clock timing is asserted anywhere.
const runtime = new FreshworksRuntime({ iparams: {}, hosts: {} });
const forward = runtime.load('server/lib/forward.js');
const C1 = '625f0520-596f-4d85-8095-0a0341485039';

type Answer = { status?: number; headers?: Record<string, string>; response?: string; message?: string; takesMs?: number };

/** A platform whose template invocations answer `answers` in turn (the last one repeats), on a fake clock. */
function fakePlatform(answers: Answer[], random = 1) {
  let clock = 1_000_000;
  const starts: number[] = [];
  const sleeps: number[] = [];
  const calls: { name: string; options: any }[] = [];
  const logs: { level: string; text: string }[] = [];
  const log = (level: string) => (text: string) => void logs.push({ level, text });
  const platform = {
    invokeTemplate: async (name: string, options: unknown) => {
      starts.push(clock - 1_000_000);
      calls.push({ name, options });
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)]!;
      clock += answer.takesMs ?? 0;
      const shaped = { status: answer.status, headers: answer.headers ?? {}, response: answer.response ?? '', message: answer.message };
      if (answer.status !== undefined && answer.status >= 200 && answer.status < 300) return shaped;
      throw shaped;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => random,
    log: { info: log('info'), warn: log('warn'), error: log('error'), log: log('log') },
  };
  return { platform, starts, sleeps, calls, logs };
}

const payload = () => readFixture('01-onConversationCreate.create.json');

describe('what is sent', () => {
  it('sends the envelope without iparams to the forwardEvent template, the dashboard host as context', async () => {
    const { platform, calls } = fakePlatform([{ status: 200 }]);
    const event = payload();
    const result = await forward.forwardEvent(event, platform);
    expect(result).toEqual({ outcome: 'delivered', attempts: 1, status: 200 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('forwardEvent');
    expect(calls[0]!.options.context).toEqual({ dashboard_host: 'dashboard.example.test' });
    const { iparams, ...rest } = event;
    expect(iparams).toBeDefined(); // the fixture carries them, token included
    expect(JSON.parse(calls[0]!.options.body)).toEqual(rest);
    expect(calls[0]!.options.body).not.toContain('example-token');
    expect(event.iparams).toEqual(iparams); // the payload itself is left alone
  });

  it('reads the dashboard host from an https base URL, and nothing else', () => {
    expect(forward.dashboardHost('https://dashboard.example.com')).toBe('dashboard.example.com');
    expect(forward.dashboardHost(' https://Dash.Example.com/ ')).toBe('dash.example.com');
    for (const bad of ['http://dashboard.example.com', 'https://dashboard.example.com:8443', 'https://dashboard.example.com/ingest', 'https://localhost', 'https://10.0.0.7', 'dashboard.example.com', '', undefined, 'https://-bad-.example.com']) {
      expect(forward.dashboardHost(bad), String(bad)).toBeNull();
    }
  });

  it('sends nothing and says why when dashboard_url is not usable', async () => {
    const { platform, calls, logs } = fakePlatform([{ status: 200 }]);
    const event = { ...payload(), iparams: { dashboard_url: 'http://dashboard.example.com:3000', ingest_token: 'tok-0123456789abcdef' } };
    expect(await forward.forwardEvent(event, platform)).toEqual({ outcome: 'misconfigured', attempts: 0, status: null });
    expect(calls).toHaveLength(0);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.level).toBe('error');
    expect(logs[0]!.text).toContain(`conversation ${C1}`);
    expect(logs[0]!.text).toContain('"http://dashboard.example.com:3000"');
    expect(logs[0]!.text).not.toContain('tok-0123456789abcdef');
  });
});

describe('which answers are retried', () => {
  it('delivers on 2xx, retries on no status, 429 and 5xx, and rejects every other status', () => {
    const table = Object.fromEntries([200, 201, 204, 301, 400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 502, 503, 504].map((s) => [s, forward.classify(s)]));
    expect(table).toEqual({
      200: 'delivered', 201: 'delivered', 204: 'delivered',
      301: 'rejected', 400: 'rejected', 401: 'rejected', 403: 'rejected', 404: 'rejected', 409: 'rejected', 413: 'rejected', 415: 'rejected', 422: 'rejected',
      429: 'retry', 500: 'retry', 502: 'retry', 503: 'retry', 504: 'retry',
    });
    expect(forward.classify(null)).toBe('retry');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(forward.retryAfterMs({ 'Retry-After': '2' }, now)).toBe(2000);
    expect(forward.retryAfterMs({ 'retry-after': 'Wed, 25 Nov 2026 12:00:03 GMT' }, now)).toBe(3000);
    expect(forward.retryAfterMs({ 'retry-after': 'Wed, 25 Nov 2026 11:00:00 GMT' }, now)).toBe(0);
    expect(forward.retryAfterMs({ 'retry-after': 'soon' }, now)).toBeNull();
    expect(forward.retryAfterMs({}, now)).toBeNull();
  });

  it('calls a 4xx that is not the dashboard\'s answer (a proxy\'s page) a failure, not the dashboard\'s verdict', async () => {
    for (const status of [400, 413, 415]) {
      const { platform, calls, logs } = fakePlatform([{ status, response: `<html><head><title>${status}</title></head><body>nginx</body></html>` }]);
      expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'failed', attempts: 1, status });
      expect(calls).toHaveLength(1);
      expect(logs.map((l) => l.text)).toEqual([
        `[dashboard-forwarder] FAILED to forward onConversationCreate for conversation ${C1}: status ${status}, not retried now: not the dashboard's answer (a proxy or another server?); dashboard said: <html><head><title>${status}</title></head><body>nginx</body></html>`,
      ]);
    }
  });

  it('tries a 400 once and logs the conversation and the status', async () => {
    const { platform, calls, logs } = fakePlatform([{ status: 400, response: '{"error":"no valid event in the request"}' }]);
    expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'rejected', attempts: 1, status: 400 });
    expect(calls).toHaveLength(1);
    expect(logs.map((l) => l.level)).toEqual(['error']);
    expect(logs[0]!.text).toBe(
      `[dashboard-forwarder] FAILED to forward onConversationCreate for conversation ${C1}: status 400, not retried: the dashboard refused this request; dashboard said: {"error":"no valid event in the request"}`,
    );
  });

  it('retries a 503 and then delivers, logging each retry and the late delivery', async () => {
    const { platform, sleeps, logs } = fakePlatform([{ status: 503 }, { status: 200 }]);
    expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'delivered', attempts: 2, status: 200 });
    expect(sleeps).toEqual([250]);
    expect(logs.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logs[0]!.text).toContain(`conversation ${C1}: attempt 1 of 5 got status 503; next attempt in 250 ms (backoff)`);
  });

  it('waits as long as Retry-After asks when that is longer than the backoff', async () => {
    const { platform, sleeps, logs } = fakePlatform([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    expect(await forward.forwardEvent(payload(), platform)).toMatchObject({ outcome: 'delivered', attempts: 2 });
    expect(sleeps).toEqual([1000]);
    expect(logs[0]!.text).toContain('got status 429; next attempt in 1000 ms (Retry-After)');
  });

  it('does not retry a 429 that names no time: the platform’s per-minute limit outlasts every retry', async () => {
    const { platform, calls, sleeps, logs } = fakePlatform([{ status: 429 }, { status: 200 }]);
    expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'failed', attempts: 1, status: 429 });
    expect([calls.length, sleeps]).toEqual([1, []]);
    expect(logs.map((l) => l.level)).toEqual(['error']);
    expect(logs[0]!.text).toContain(`conversation ${C1}: status 429, not retried: a 429 without Retry-After, most likely the platform's limit of requests a minute`);
  });

  it('gives up at once when Retry-After is beyond the time left, and says so', async () => {
    const { platform, calls, logs } = fakePlatform([{ status: 503, headers: { 'retry-after': '5' } }]);
    expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'failed', attempts: 1, status: 503 });
    expect(calls).toHaveLength(1);
    expect(logs[0]!.text).toContain('status 503, gave up after 1 attempt: the dashboard asked to retry after 5000 ms, more than the 4000 ms left');
  });

  it('retries network errors and names them in the final line', async () => {
    const { platform, calls, logs } = fakePlatform([{ message: 'connect ECONNREFUSED 203.0.113.9:443' }]);
    expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'failed', attempts: 5, status: null });
    expect(calls).toHaveLength(5);
    expect(logs.filter((l) => l.level === 'warn')).toHaveLength(4);
    expect(logs.at(-1)!.text).toBe(
      `[dashboard-forwarder] FAILED to forward onConversationCreate for conversation ${C1}: no HTTP status (network error: connect ECONNREFUSED 203.0.113.9:443), gave up after 5 attempts`,
    );
  });

  it('never puts a bearer token from an answer into a log line', async () => {
    const { platform, logs } = fakePlatform([{ status: 401, response: 'rejected Authorization: Bearer s3cr3t-t0ken-value, try again' }]);
    await forward.forwardEvent(payload(), platform);
    expect(logs[0]!.text).toContain('status 401');
    expect(logs[0]!.text).toContain('Bearer [redacted]');
    expect(logs[0]!.text).not.toContain('s3cr3t-t0ken-value');
  });
});

describe('the retry schedule stays within the platform limit', () => {
  const { POLICY, LIMITS } = forward;

  it('starts attempts at 0, 250, 750, 1750 and 3750 ms at worst, each able to time out before the handler is stopped', () => {
    // Backoff ceilings 250, 500, 1000, 2000 ms (doubling from 250, capped at 2 s); the largest jitter takes the whole ceiling.
    const worst = forward.retrySchedule(() => 0.999999);
    expect(worst).toEqual([0, 250, 750, 1750, 3750]);
    // The smallest jitter takes half of each ceiling.
    expect(forward.retrySchedule(() => 0)).toEqual([0, 125, 375, 875, 1875]);
    expect(POLICY.latestStartMs).toBe(4000); // 20 s handler limit − 15 s request timeout − 1 s to log
    for (const start of worst) expect(start + LIMITS.requestTimeoutMs + LIMITS.marginMs).toBeLessThanOrEqual(LIMITS.handlerMs);
  });

  it('waits 250, 500, 1000 and 2000 ms between five failing attempts', async () => {
    const { platform, sleeps, starts } = fakePlatform([{ status: 502 }], 1);
    expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'failed', attempts: 5, status: 502 });
    expect(sleeps).toEqual([250, 500, 1000, 2000]);
    expect(starts).toEqual([0, 250, 750, 1750, 3750]);
  });

  it('starts fewer attempts when each one is slow to fail', async () => {
    // Each attempt takes 1.5 s: starts at 0 and 1750 (1500 + 250), 3750 (3250 + 500); the next would be 6250 > 4000.
    const { platform, starts, logs } = fakePlatform([{ status: 503, takesMs: 1500 }], 1);
    expect(await forward.forwardEvent(payload(), platform)).toEqual({ outcome: 'failed', attempts: 3, status: 503 });
    expect(starts).toEqual([0, 1750, 3750]);
    expect(logs.at(-1)!.text).toContain('gave up after 3 attempts: the next attempt would start in 1000 ms, more than the 0 ms left');
  });

  it('does not try again after an attempt that ran into the 15 s request timeout', async () => {
    const { platform, calls } = fakePlatform([{ message: 'request timed out', takesMs: 15000 }]);
    expect(await forward.forwardEvent(payload(), platform)).toMatchObject({ outcome: 'failed', attempts: 1 });
    expect(calls).toHaveLength(1);
  });
});

describe('the installation check', () => {
  const iparams = { dashboard_url: 'https://dashboard.example.test', ingest_token: 'example-token' };

  it('installs on the dashboard’s 400 for an empty batch (the token passed), refuses anything else in 60 characters or fewer', async () => {
    const NGINX_400 = '<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head><body>nginx</body></html>';
    const cases: [Answer, string | null][] = [
      [{ status: 400, response: '{"error":"no events in the request"}' }, null],
      // Another server's 400 or 200 (a proxy misconfigured, a catch-all page) is not the dashboard.
      [{ status: 400, response: NGINX_400 }, 'Not the dashboard: HTTP 400 to a test request'],
      [{ status: 400 }, 'Not the dashboard: HTTP 400 to a test request'],
      [{ status: 200, response: '<html>welcome</html>' }, 'Not the dashboard: HTTP 200 to a test request'],
      [{ status: 401 }, 'The dashboard refused the ingest token'],
      [{ status: 403 }, 'The dashboard refused the ingest token'],
      [{ status: 503 }, 'Dashboard ingest is off or its storage is down (503)'],
      [{ message: 'timeout' }, 'Dashboard not reachable: check the URL and firewall'],
      [{ status: 404 }, 'Dashboard answered HTTP 404 to a test request'],
      [{ status: 502 }, 'Dashboard answered HTTP 502 to a test request'],
    ];
    for (const [answer, expected] of cases) {
      const { platform, calls, sleeps } = fakePlatform([answer]);
      expect(await forward.checkInstallation(iparams, platform), JSON.stringify(answer)).toBe(expected);
      expect(calls).toEqual([{ name: 'forwardEvent', options: { context: { dashboard_host: 'dashboard.example.test' }, body: '[]' } }]);
      expect(sleeps).toEqual([]); // one attempt: someone is waiting at the install screen
      if (expected !== null) expect(expected.length).toBeLessThanOrEqual(60);
    }
    const { platform, calls } = fakePlatform([{ status: 200 }]);
    const refused = await forward.checkInstallation({ ...iparams, dashboard_url: 'https://192.168.1.4' }, platform);
    expect(refused).toBe('Dashboard URL must be https://host, no IP, port or path');
    expect(refused.length).toBeLessThanOrEqual(60);
    expect(calls).toEqual([]);
  });
});
