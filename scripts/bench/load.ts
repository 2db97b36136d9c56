/**
 * Closed-loop HTTP load with autocannon's programmatic API: `connections` keep-alive connections,
 * each sending its next request as soon as the previous response arrived (pipelining 1), until
 * exactly `amount` requests were sent.
 *
 * Why `amount` rather than a duration: every request sent is answered and checked, so the count of
 * events the server stored can be compared exactly with the count sent (with a duration, the
 * requests in flight when the time is up are cut off and may or may not have been stored). The
 * caller sizes `amount` from the rate measured so far to make each round last about as long as
 * wanted; the rate is then responses / wall time (first connection to last response), measured here.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export type LoadOptions = {
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Request bodies, sent in order and cycled if `amount` exceeds their number. */
  bodies: readonly Buffer[];
  amount: number;
  connections: number;
  /** Whether a response is a success; others are counted in `failed` and sampled in `failures`. */
  verify: (status: number, body: string) => boolean;
  /** CPU time of the server process so far, in ms (to attribute CPU to a round). */
  serverCpuMs?: () => number | null;
  timeoutSeconds?: number;
};

export type LoadRun = {
  sent: number;
  responses: number;
  ok: number;
  failed: number;
  non2xx: number;
  /** Connection errors and timeouts (autocannon's `errors`, timeouts included). */
  errors: number;
  timeouts: number;
  /** First few failed responses, for the report. */
  failures: { status: number; body: string }[];
  seconds: number;
  /** Successful responses a second. */
  rate: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  serverCpuMs: number | null;
  clientCpuMs: number;
  /**
   * CPU the whole machine spent (all cores, any process) during the run, in ms: what is left after
   * the server and this process is other load on the machine, which disturbs the figures.
   */
  machineCpuMs: number;
  /** Cores' worth of CPU used by other processes during the run (machine − server − this process); null without /proc. */
  otherCores: number | null;
};

/** Busy CPU time of the whole machine so far (all cores), in ms. */
export function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const { bodies } = options;
  if (bodies.length === 0) throw new Error('runLoad: no bodies');
  const amount = Math.max(options.amount, options.connections);
  let sent = 0;
  let responses = 0;
  let ok = 0;
  const failures: LoadRun['failures'] = [];
  let lastResponseAt = 0;

  const serverCpuBefore = options.serverCpuMs?.() ?? null;
  const clientCpuBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  const startedAt = performance.now();

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        amount,
        timeout: options.timeoutSeconds ?? 30,
        sampleInt: 100,
        method: 'POST',
        headers: options.headers,
        skipAggregateResult: false,
        requests: [
          {
            method: 'POST',
            path: options.path,
            // Called exactly once per request written (autocannon builds each connection's first
            // request up front, and every later one just before writing it).
            setupRequest: (request) => {
              request.body = bodies[sent % bodies.length]!;
              sent += 1;
              return request;
            },
            onResponse: (status, body) => {
              responses += 1;
              lastResponseAt = performance.now();
              if (options.verify(status, body)) ok += 1;
              else if (failures.length < 5) failures.push({ status, body: body.slice(0, 500) });
            },
          },
        ],
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
  });

  const clientCpu = process.cpuUsage(clientCpuBefore);
  const machineCpuMs = machineBusyMs() - machineBefore;
  const elapsedMs = performance.now() - startedAt;
  const serverCpuAfter = options.serverCpuMs?.() ?? null;
  const seconds = ((lastResponseAt || performance.now()) - startedAt) / 1000;
  return {
    sent,
    responses,
    ok,
    failed: responses - ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    failures,
    seconds,
    rate: ok / seconds,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    serverCpuMs: serverCpuBefore !== null && serverCpuAfter !== null ? serverCpuAfter - serverCpuBefore : null,
    clientCpuMs: (clientCpu.user + clientCpu.system) / 1000,
    machineCpuMs,
    otherCores:
      serverCpuBefore === null || serverCpuAfter === null
        ? null
        : Math.max(0, machineCpuMs - (serverCpuAfter - serverCpuBefore) - (clientCpu.user + clientCpu.system) / 1000) / elapsedMs,
  };
}
