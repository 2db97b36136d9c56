/**
 * One simulation run: check the server and token, lay out the generators, skip their history,
 * then every batch interval send what is due, print a status line every 5 s and a summary at the
 * end. Returns the exit code; the CLI owns the process (signals, exit).
 */
import { HOUR } from './calibrate';
import type { SimulateOptions } from './options';
import { DEFAULT_STALE_MS, Pacer, skipHistory } from './pacer';
import { MAX_EVENTS_PER_REQUEST, Sender, sleep } from './sender';
import { openWindow, WindowedSource, type WindowInfo } from './source';
import { Stats } from './stats';

export type RunIO = {
  /** Progress, status lines and errors. */
  stderr: (line: string) => void;
  /** The summary. */
  stdout: (text: string) => void;
  /** Aborted on the first SIGINT/SIGTERM: finish the request under way, then summarise. */
  stop: AbortSignal;
  /** Aborted on the second: cancel the request under way too. */
  abort: AbortSignal;
};

const STATUS_EVERY_MS = 5_000;
/** Batches in a row that fail (retries exhausted) before the run gives up. */
const MAX_CONSECUTIVE_FAILURES = 5;

export async function runSimulation(options: SimulateOptions, io: RunIO): Promise<number> {
  const { rate, endpoint, token, durationMs, seed, batchMs } = options;
  io.stderr(
    `simulate: about ${rate} events/s to ${endpoint}, ${durationMs === null ? 'until stopped (Ctrl-C)' : `for ${formatMs(durationMs)}`}, seed ${seed}`,
  );
  let stats: Stats | null = null;
  const sender = new Sender({
    endpoint,
    token,
    onRetry: (error, attempt, delayMs) => {
      if (stats) stats.errors++;
      io.stderr(`simulate: attempt ${attempt} failed (${error}); retrying in ${delayMs} ms`);
    },
  });

  const preflight = await sender.preflight({ stop: io.stop, abort: io.abort });
  if (!preflight.ok && (preflight.fatal || !io.stop.aborted)) {
    io.stderr(`simulate: ${preflight.error}`);
    return 1;
  }
  if (io.stop.aborted) {
    io.stdout(new Stats(Date.now(), rate).summary(Date.now(), 'stopped before streaming', seed));
    return 0;
  }

  // Calibrate over the run (between 5 min and 1 h of it), or the next 10 min when it has no end: the
  // generated volume drifts with the hour of the day, and the first minutes are what one watches.
  const horizonMs = durationMs === null ? 10 * 60_000 : Math.min(HOUR, Math.max(5 * 60_000, durationMs));
  const source = new WindowedSource((index) => {
    const { source, info } = openWindow({ now: Date.now(), rate, seed, index, horizonMs, durationMs });
    io.stderr(describeWindow(info, rate));
    return source;
  });

  const warmStart = performance.now();
  const history = await skipHistory(source, Date.now, { stopped: () => io.stop.aborted });
  if (!io.stop.aborted) io.stderr(`simulate: skipped ${history.toLocaleString('en')} events of history in ${((performance.now() - warmStart) / 1000).toFixed(1)} s; streaming`);

  const startAt = Date.now();
  stats = new Stats(startAt, rate);
  stats.skipped = history;
  const pacer = new Pacer(source, { rate, batchMs, staleMs: DEFAULT_STALE_MS, startAt });
  const deadline = durationMs === null ? Infinity : startAt + durationMs;
  let nextTick = startAt + batchMs;
  let nextStatus = startAt + STATUS_EVERY_MS;
  let lagMs = 0;
  let consecutiveFailures = 0;
  let problemsShown = 0;
  let how = 'stopped';
  let exitCode = 0;

  run: while (!io.stop.aborted) {
    await sleep(Math.max(0, Math.min(nextTick, deadline) - Date.now()), io.stop);
    if (io.stop.aborted) break;
    const now = Math.min(Date.now(), deadline);
    const tick = pacer.tick(now);
    stats.skipped += tick.skipped;
    lagMs = tick.lagMs;

    for (let i = 0; i < tick.lines.length; i += MAX_EVENTS_PER_REQUEST) {
      // Stopping finishes the request under way, and sends no other.
      if (i > 0 && io.stop.aborted) break run;
      const chunk = tick.lines.slice(i, i + MAX_EVENTS_PER_REQUEST);
      const outcome = await sender.send(chunk, { stop: io.stop, abort: io.abort });
      stats.requests++;
      if (outcome.ok) {
        consecutiveFailures = 0;
        stats.sent += chunk.length;
        stats.accepted += outcome.accepted;
        stats.duplicates += outcome.duplicates;
        stats.rejected += outcome.rejected;
        if (outcome.problem && problemsShown++ < 5) io.stderr(`simulate: the server rejected ${outcome.rejected} event(s), e.g. ${outcome.problem}`);
        continue;
      }
      stats.errors++;
      stats.failed += chunk.length;
      io.stderr(`simulate: a batch of ${chunk.length} events was not delivered: ${outcome.error}`);
      if (outcome.fatal) {
        how = 'fatal error';
        exitCode = 1;
        break run;
      }
      if (!io.stop.aborted && ++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
        io.stderr(`simulate: giving up: ${consecutiveFailures} batches in a row failed`);
        how = 'fatal error';
        exitCode = 1;
        break run;
      }
    }

    if (tick.stop === 'exhausted' && now < deadline) {
      // The window's day is over: a new one, with its own history to skip.
      source.renew();
      await skipHistory(source, Date.now, { stopped: () => io.stop.aborted });
      pacer.resync(Date.now());
    }

    const after = Date.now();
    if (after >= nextStatus) {
      io.stderr(`simulate: ${stats.statusLine(after, lagMs)}`);
      while (nextStatus <= after) nextStatus += STATUS_EVERY_MS;
    }
    if (now >= deadline) {
      how = 'duration reached';
      break;
    }
    nextTick = Math.max(nextTick + batchMs, after);
  }

  const end = Math.min(Date.now(), deadline);
  io.stdout(stats.summary(end, how, seed));
  return exitCode;
}

function describeWindow(info: WindowInfo, rate: number): string {
  const { calibration: c, plan } = info;
  const lines = [
    `simulate: generator window ${info.index}: conversations from ${new Date(info.start).toISOString()} to ${new Date(info.end).toISOString()}; ` +
      `${(c.perConversationPerDay * 100_000).toFixed(2)} events/s per 100,000 conversations a day over the next ${formatMs(c.horizonMs)} ` +
      `(${c.sampleEvents} events in ${c.samples} sample(s)) -> ${plan.shards} generator(s) x ${Math.round(plan.conversationsPerDay).toLocaleString('en')} conversations a day` +
      (plan.copies > 1 ? `, each event sent as ${plan.copies} copies with fresh conversation ids (more generated conversations would exceed the ${plan.limitedBy} budget)` : ''),
  ];
  if (plan.expectedRate < rate * 0.9) {
    lines.push(`simulate: warning: the generated traffic is too quiet at this hour for ${rate} events/s; expect about ${plan.expectedRate.toFixed(1)} events/s`);
  }
  return lines.join('\n');
}

function formatMs(ms: number): string {
  if (ms % HOUR === 0) return `${ms / HOUR} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
