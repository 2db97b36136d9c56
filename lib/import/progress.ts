import cliProgress from 'cli-progress';

/** How far an import has got: events handled (accepted, duplicate or rejected) and bytes of the file read. */
export type ProgressState = { events: number; bytesRead: number };

export type ProgressReporter = {
  update(state: ProgressState): void;
  /** A message (a retry, say) that must not garble the bar. */
  log(message: string): void;
  stop(): void;
};

export type ProgressOptions = {
  /** Size of the file (compressed, for gzip): bytesRead against it gives the share done and the ETA. */
  totalBytes: number;
  stream?: NodeJS.WriteStream;
  /** Plain output (not a TTY): a line at most this often. */
  intervalMs?: number;
  now?: () => number;
};

/** A progress bar on a terminal, plain periodic lines otherwise (a log file, CI). Both on stderr by default. */
export function createProgress(options: ProgressOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY ? barProgress({ ...options, stream }) : plainProgress({ ...options, stream });
}

/** `12,345` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en');
}

function ratePerSecond(events: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (events * 1000) / elapsedMs : 0;
}

function percentOf(bytesRead: number, totalBytes: number): number {
  return totalBytes > 0 ? Math.min(100, Math.floor((bytesRead * 100) / totalBytes)) : 100;
}

/**
 * `importing [=====-----] 42% | 120,000 events | 15,234 events/s | ETA 1m12s`. The bar and the ETA
 * follow the bytes read of the file (cli-progress estimates from their recent rate); the event
 * count and rate are the import's own.
 */
function barProgress(options: ProgressOptions & { stream: NodeJS.WriteStream }): ProgressReporter {
  const now = options.now ?? Date.now;
  const started = now();
  const bars = new cliProgress.MultiBar(
    {
      stream: options.stream,
      format: 'importing [{bar}] {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
      // The importer stops cleanly on Ctrl-C itself and prints its summary.
      gracefulExit: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const bar = bars.create(Math.max(options.totalBytes, 1), 0, { events: '0', rate: '0' });
  let stopped = false;
  return {
    update({ events, bytesRead }) {
      if (stopped) return;
      bar.update(bytesRead, { events: formatCount(events), rate: formatCount(ratePerSecond(events, now() - started)) });
    },
    log(message) {
      if (!stopped) bars.log(`${message}\n`);
      else options.stream.write(`${message}\n`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bars.update(); // writes pending log lines, which stop() alone would drop
      bars.stop();
    },
  };
}

/** `imported 120,000 events (15,234/s), 42% of file`, at most every `intervalMs` (2 s). */
function plainProgress(options: ProgressOptions & { stream: NodeJS.WriteStream }): ProgressReporter {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 2000;
  const started = now();
  let lastLine = started;
  return {
    update({ events, bytesRead }) {
      const time = now();
      if (time - lastLine < intervalMs) return;
      lastLine = time;
      const rate = formatCount(ratePerSecond(events, time - started));
      options.stream.write(`imported ${formatCount(events)} events (${rate}/s), ${percentOf(bytesRead, options.totalBytes)}% of file\n`);
    },
    log(message) {
      options.stream.write(`${message}\n`);
    },
    stop() {},
  };
}
