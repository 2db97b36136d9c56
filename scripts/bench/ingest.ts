/**
 * Ingest benchmark (`npm run bench`):
 *
 * 1. Single events: POST /api/events, one envelope a request (application/json), against the
 *    baseline route POST /api/bench/baseline (parses the JSON body and answers, nothing else) on
 *    the same server process, in alternating rounds (baseline, ingest, baseline, ingest, …) with
 *    the same connection count and the same bodies. `ingest.single_ratio` is the median ingest
 *    rate over the median baseline rate: the share of the framework's own request rate that ingest
 *    keeps. Every ingest request carries a distinct event (a duplicate is a cheaper path).
 * 2. Batches: NDJSON bodies of 1,000 distinct envelopes, posted by 1 client (sequentially) and by
 *    2 concurrent clients, in alternating rounds; events/s = accepted events / client wall time.
 *
 * At the end, GET /api/health must report exactly as many stored events as distinct events sent.
 */
import { performance } from 'node:perf_hooks';
import { EnvelopeFactory } from './events';
import { machineBusyMs, runLoad, type LoadRun } from './load';
import type { BenchServer } from './server';
import type { Figure, Suite, SuiteContext, SuiteResult, Target } from './types';

export const INGEST_TARGETS = {
  'ingest.single_ratio': { op: '>=', value: 0.85 },
  'ingest.batch_events_per_s': { op: '>=', value: 20_000 },
} satisfies Record<string, Target>;

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const BATCH_SIZE = 1_000;

type Settings = {
  /** Single-event rounds per route, and the wanted length of each. */
  rounds: number;
  roundSeconds: number;
  /** Warm-up requests (JIT, route loading, SQLite page cache) before the measured rounds, over two passes. */
  warmupBaselineRequests: number;
  warmupIngestRequests: number;
  /** Batch rounds per client count, and batches in each. */
  batchRounds: number;
  batchesPerRound: number;
  warmupBatches: number;
};

const FULL: Settings = {
  rounds: 3,
  roundSeconds: 8,
  warmupBaselineRequests: 4_000,
  warmupIngestRequests: 1_500,
  batchRounds: 3,
  batchesPerRound: 20,
  warmupBatches: 3,
};

const QUICK: Settings = {
  rounds: 3,
  roundSeconds: 3,
  warmupBaselineRequests: 1_500,
  warmupIngestRequests: 600,
  batchRounds: 1,
  batchesPerRound: 10,
  warmupBatches: 2,
};

export const ingestSuite: Suite = {
  name: 'ingest',
  description: 'POST /api/events: single events against the baseline route, and NDJSON batches of 1,000',
  run: runIngest,
};

type SingleRound = { round: number; baseline: RoundSummary; ingest: RoundSummary; ratio: number };
type RoundSummary = Omit<LoadRun, 'failures'> & { serverCpuMsPerRequest: number | null };
type BatchRound = BatchResult & { round: number; clients: number };

async function runIngest(context: SuiteContext): Promise<SuiteResult> {
  const settings = context.quick ? QUICK : FULL;
  const { log } = context;
  const problems: string[] = [];
  const factory = new EnvelopeFactory();
  const { info } = factory;
  log(
    `events: ${info.fixture}: ${info.fixtureLines} lines, ${info.eventsPerCopy} distinct events over ${info.conversationsPerCopy} conversations a copy, ` +
      `${info.meanEnvelopeBytes} bytes an envelope on average; every copy gets fresh conversation and message ids`,
  );

  const server = await context.startServer({ log });
  /** Distinct events sent to /api/events (all of them must end up stored). */
  let eventsSent = 0;

  const headers = { 'content-type': 'application/json', authorization: `Bearer ${server.token}` };
  const load = (path: '/api/events' | '/api/bench/baseline', bodies: Buffer[], amount: number) =>
    runLoad({
      url: server.url,
      path,
      headers,
      bodies,
      amount,
      connections: CONNECTIONS,
      verify: acceptedOne,
      serverCpuMs: server.cpuMs,
    });
  const check = (label: string, run: LoadRun) => {
    const bad = run.failed + run.errors + (run.sent - run.responses);
    if (bad === 0) return;
    problems.push(
      `${label}: ${run.failed} of ${run.responses} responses were not 200 with accepted 1 (non-2xx: ${run.non2xx}), ` +
        `${run.errors} connection errors (${run.timeouts} timeouts), ${run.sent - run.responses} requests unanswered` +
        (run.failures[0] ? `; first: ${run.failures[0].status} ${run.failures[0].body}` : ''),
    );
  };
  const ingestRun = async (label: string, bodies: Buffer[]) => {
    // Exactly one request per body: each ingest request carries an event never sent before.
    const run = await load('/api/events', bodies, bodies.length);
    eventsSent += run.sent;
    if (run.sent !== bodies.length) problems.push(`${label}: sent ${run.sent} requests for ${bodies.length} distinct bodies`);
    check(label, run);
    return run;
  };

  // ---- Single events -------------------------------------------------------------------------
  // Two warm-up passes (JIT, route loading, SQLite page cache): the second one's rates size the rounds.
  let warmBaseline: LoadRun | undefined;
  let warmIngest: LoadRun | undefined;
  for (let pass = 1; pass <= 2; pass++) {
    const warmupBodies = factory.bodies(Math.round(settings.warmupIngestRequests / 2));
    warmBaseline = await load('/api/bench/baseline', warmupBodies, Math.round(settings.warmupBaselineRequests / 2));
    check(`baseline warm-up ${pass}`, warmBaseline);
    warmIngest = await ingestRun(`ingest warm-up ${pass}`, warmupBodies);
    log(
      `warm-up ${pass}/2: baseline ${fmt(warmBaseline.rate)} req/s (${warmBaseline.sent} requests), ` +
        `ingest ${fmt(warmIngest.rate)} events/s (${warmIngest.sent} requests)`,
    );
  }

  let baselineEstimate = warmBaseline!.rate;
  let ingestEstimate = warmIngest!.rate;
  const rounds: SingleRound[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    // The round's distinct events, made before the clock starts; the baseline round before it
    // sends the same bodies (cycled: it needs more of them).
    const ingestAmount = Math.max(CONNECTIONS * 20, Math.round(ingestEstimate * settings.roundSeconds));
    const bodies = factory.bodies(ingestAmount);
    const baselineAmount = Math.max(CONNECTIONS * 20, Math.round(baselineEstimate * settings.roundSeconds));

    const baseline = await load('/api/bench/baseline', bodies, baselineAmount);
    check(`baseline round ${round}`, baseline);
    const ingest = await ingestRun(`ingest round ${round}`, bodies);
    baselineEstimate = baseline.rate;
    ingestEstimate = ingest.rate;

    const summary = (run: LoadRun): RoundSummary => {
      const { failures: _failures, ...rest } = run;
      return { ...rest, serverCpuMsPerRequest: run.serverCpuMs === null ? null : run.serverCpuMs / Math.max(1, run.responses) };
    };
    rounds.push({ round, baseline: summary(baseline), ingest: summary(ingest), ratio: ingest.rate / baseline.rate });
    log(
      `round ${round}/${settings.rounds}: baseline ${fmt(baseline.rate)} req/s over ${baseline.seconds.toFixed(1)} s ` +
        `(server CPU ${cpuPerRequest(baseline)}), ingest ${fmt(ingest.rate)} events/s over ${ingest.seconds.toFixed(1)} s ` +
        `(server CPU ${cpuPerRequest(ingest)}), ratio ${(ingest.rate / baseline.rate).toFixed(3)}; ` +
        `CPU used by other processes: ${otherLoad(baseline)} and ${otherLoad(ingest)}`,
    );
  }

  const baselineRate = median(rounds.map((r) => r.baseline.rate));
  const ingestRate = median(rounds.map((r) => r.ingest.rate));
  const ratio = ingestRate / baselineRate;
  const baselineCpu = medianOrNull(rounds.map((r) => r.baseline.serverCpuMsPerRequest));
  const ingestCpu = medianOrNull(rounds.map((r) => r.ingest.serverCpuMsPerRequest));

  // ---- Batches -------------------------------------------------------------------------------
  const warmBatches = factory.ndjsonBatches(settings.warmupBatches, BATCH_SIZE);
  const warm = await postBatches(server, warmBatches, 1, problems, 'batch warm-up');
  eventsSent += warm.events;
  log(`batch warm-up: ${warm.batches} batches, ${fmt(warm.eventsPerSecond)} events/s`);

  const batchRounds: BatchRound[] = [];
  for (let round = 1; round <= settings.batchRounds; round++) {
    for (const clients of [1, 2]) {
      const batches = factory.ndjsonBatches(settings.batchesPerRound, BATCH_SIZE);
      const result = await postBatches(server, batches, clients, problems, `batch round ${round}, ${clients} client(s)`);
      eventsSent += result.events;
      batchRounds.push({ round, clients, ...result });
      log(
        `batch round ${round}/${settings.batchRounds}, ${clients} client${clients > 1 ? 's' : ''}: ` +
          `${result.batches} × ${BATCH_SIZE} events in ${result.seconds.toFixed(2)} s = ${fmt(result.eventsPerSecond)} events/s` +
          (result.serverCpuMsPer1000Events === null ? '' : ` (server CPU ${result.serverCpuMsPer1000Events.toFixed(0)} ms per 1,000 events)`) +
          (result.otherCores === null ? '' : `; CPU used by other processes: ${result.otherCores.toFixed(2)} cores`),
      );
    }
  }
  const batchRate = (clients: number) => {
    const selected = batchRounds.filter((r) => r.clients === clients);
    return selected.reduce((sum, r) => sum + r.accepted, 0) / selected.reduce((sum, r) => sum + r.seconds, 0);
  };
  const sequentialRate = batchRate(1);
  const concurrentRate = batchRate(2);
  const bestClients = concurrentRate > sequentialRate ? 2 : 1;
  const batchCpu = medianOrNull(batchRounds.map((r) => r.serverCpuMsPer1000Events));

  // ---- What the server stored ----------------------------------------------------------------
  const health = await getHealth(server);
  const stored = typeof health.events === 'number' ? health.events : NaN;
  if (stored !== eventsSent) {
    problems.push(`GET /api/health reports ${health.events} stored events; ${eventsSent} distinct events were sent`);
  }
  if (factory.produced !== eventsSent) {
    problems.push(`the generator made ${factory.produced} events but ${eventsSent} were sent (a bench bug)`);
  }
  const databaseBytes = server.databaseBytes();
  log(`stored events (GET /api/health): ${stored}; distinct events sent: ${eventsSent}; database ${(databaseBytes / 1e6).toFixed(1)} MB`);

  const others = [
    ...rounds.flatMap((r) => [r.baseline.otherCores, r.ingest.otherCores]),
    ...batchRounds.map((r) => r.otherCores),
  ].filter((value): value is number => value !== null);
  const maxOther = others.length > 0 ? Math.max(...others) : null;

  const errors = problems.length;
  const figures: Figure[] = [
    {
      key: 'ingest.single_ratio',
      value: ratio,
      digits: 3,
      target: INGEST_TARGETS['ingest.single_ratio'],
      note: `median ingest events/s ÷ median baseline req/s, ${settings.rounds} rounds each`,
    },
    { key: 'ingest.single_events_per_s', value: ingestRate, unit: 'events/s', digits: 0, note: `${CONNECTIONS} connections, 1 event a request` },
    { key: 'ingest.baseline_requests_per_s', value: baselineRate, unit: 'req/s', digits: 0, note: 'POST /api/bench/baseline, same bodies' },
    { key: 'ingest.single_latency_p50_ms', value: median(rounds.map((r) => r.ingest.latencyP50Ms)), unit: 'ms', digits: 1 },
    { key: 'ingest.single_latency_p99_ms', value: median(rounds.map((r) => r.ingest.latencyP99Ms)), unit: 'ms', digits: 1 },
    { key: 'ingest.baseline_latency_p50_ms', value: median(rounds.map((r) => r.baseline.latencyP50Ms)), unit: 'ms', digits: 1 },
  ];
  if (ingestCpu !== null && baselineCpu !== null) {
    figures.push(
      { key: 'ingest.single_server_cpu_ms_per_event', value: ingestCpu, unit: 'ms', digits: 3, note: 'server process CPU (user+sys)' },
      { key: 'ingest.baseline_server_cpu_ms_per_request', value: baselineCpu, unit: 'ms', digits: 3 },
    );
  }
  figures.push(
    {
      key: 'ingest.batch_events_per_s',
      value: Math.max(sequentialRate, concurrentRate),
      unit: 'events/s',
      digits: 0,
      target: INGEST_TARGETS['ingest.batch_events_per_s'],
      note: `best of 1 and 2 clients: ${bestClients} client${bestClients > 1 ? 's' : ''}`,
    },
    { key: 'ingest.batch_sequential_events_per_s', value: sequentialRate, unit: 'events/s', digits: 0, note: `1 client, batches of ${BATCH_SIZE}` },
    { key: 'ingest.batch_concurrent_events_per_s', value: concurrentRate, unit: 'events/s', digits: 0, note: `2 clients, batches of ${BATCH_SIZE}` },
    { key: 'ingest.batch_best_clients', value: bestClients, digits: 0 },
  );
  if (batchCpu !== null) {
    figures.push({ key: 'ingest.batch_server_cpu_ms_per_event', value: batchCpu / 1000, unit: 'ms', digits: 3, note: 'server process CPU (user+sys)' });
  }
  figures.push(
    { key: 'ingest.events_sent', value: eventsSent, digits: 0, note: 'distinct events posted to /api/events' },
    { key: 'ingest.stored_events', value: stored, digits: 0, note: stored === eventsSent ? 'GET /api/health: equals events sent' : 'GET /api/health: DIFFERS from events sent' },
    { key: 'ingest.db_bytes_per_event', value: databaseBytes / Math.max(1, stored), unit: 'bytes', digits: 0, note: 'database file + WAL at the end' },
    { key: 'ingest.problems', value: errors, digits: 0, note: errors === 0 ? 'every response 200 with the expected accepted count' : 'see problems below' },
  );

  return {
    figures,
    problems,
    notes: [
      `Load generator: autocannon (${CONNECTIONS} connections, pipelining 1) for single events, fetch for batches; it runs in the bench process, on the server's machine.`,
      `Single-event rounds: ${settings.rounds} per route, alternating baseline/ingest, ~${settings.roundSeconds} s each, after a warm-up; every ingest request a distinct event.`,
      `The database grows during the run (${eventsSent} events at the end); single-event rounds run first, on a small database.`,
      ...(maxOther !== null && maxOther > 0.2
        ? [`Other processes used up to ${maxOther.toFixed(2)} cores during the measured rounds: the figures are disturbed by other load.`]
        : []),
    ],
    details: {
      settings,
      connections: CONNECTIONS,
      batchSize: BATCH_SIZE,
      events: info,
      singleRounds: rounds,
      warmup: { baselineRequestsPerSecond: warmBaseline!.rate, ingestEventsPerSecond: warmIngest!.rate },
      batchRounds,
      health,
      databaseBytes,
    },
  };
}

const ACCEPTED_ONE = '{"accepted":1,"duplicates":0,"rejected":[]}';

/** A 200 whose body says the one event was accepted (and is not a duplicate). */
function acceptedOne(status: number, body: string): boolean {
  if (status !== 200) return false;
  if (body === ACCEPTED_ONE) return true;
  try {
    const json = JSON.parse(body) as { accepted?: unknown; duplicates?: unknown };
    return json.accepted === 1 && json.duplicates === 0;
  } catch {
    return false;
  }
}

type BatchResult = {
  batches: number;
  events: number;
  accepted: number;
  seconds: number;
  eventsPerSecond: number;
  serverCpuMsPer1000Events: number | null;
  otherCores: number | null;
};

/** Posts the batches with `clients` concurrent clients, each taking the next batch when its previous one was answered. */
async function postBatches(server: BenchServer, batches: Buffer[], clients: number, problems: string[], label: string): Promise<BatchResult> {
  let next = 0;
  let accepted = 0;
  const failures: string[] = [];
  const cpuBefore = server.cpuMs();
  const clientBefore = process.cpuUsage();
  const machineBefore = machineBusyMs();
  const started = performance.now();
  const worker = async () => {
    while (next < batches.length) {
      const body = batches[next++]!;
      const response = await fetch(`${server.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${server.token}` },
        body: body as unknown as BodyInit,
      });
      const text = await response.text();
      let json: { accepted?: unknown; duplicates?: unknown; rejected?: unknown[] } = {};
      try {
        json = JSON.parse(text);
      } catch {
        // reported below
      }
      if (response.status === 200 && json.accepted === BATCH_SIZE) accepted += BATCH_SIZE;
      else {
        if (typeof json.accepted === 'number') accepted += json.accepted;
        failures.push(`${response.status} ${text.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = server.cpuMs();
  const client = process.cpuUsage(clientBefore);
  const machine = machineBusyMs() - machineBefore;
  if (failures.length > 0) {
    problems.push(`${label}: ${failures.length} of ${batches.length} batches not answered 200 with accepted ${BATCH_SIZE}; first: ${failures[0]}`);
  }
  const events = batches.length * BATCH_SIZE;
  return {
    batches: batches.length,
    events,
    accepted,
    seconds,
    eventsPerSecond: accepted / seconds,
    serverCpuMsPer1000Events: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) / events) * 1000,
    otherCores:
      cpuBefore === null || cpuAfter === null
        ? null
        : Math.max(0, machine - (cpuAfter - cpuBefore) - (client.user + client.system) / 1000) / (seconds * 1000),
  };
}

async function getHealth(server: BenchServer): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/api/health`);
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`GET /api/health answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianOrNull(values: (number | null)[]): number | null {
  return values.some((value) => value === null) ? null : median(values as number[]);
}

function cpuPerRequest(run: LoadRun): string {
  return run.serverCpuMs === null ? 'n/a' : `${(run.serverCpuMs / Math.max(1, run.responses)).toFixed(3)} ms/req`;
}

/** CPU used by processes other than the server and the bench during a run, in cores (of os.cpus().length). */
function otherLoad(run: LoadRun): string {
  return run.otherCores === null ? 'n/a' : `${run.otherCores.toFixed(2)} cores`;
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
