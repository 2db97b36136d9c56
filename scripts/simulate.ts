/**
 * `npm run simulate -- --rate N --url URL --token TOKEN [--duration 5m] [--seed S] [--batch-ms 200]`:
 * streams generated live events into a running dashboard (see lib/simulate/, and --help).
 */
import { parseCli, USAGE } from '../lib/simulate/options';
import { runSimulation } from '../lib/simulate/run';

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2), process.env);
  if (cli.kind === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (cli.kind === 'error') {
    console.error(`${cli.message}\n${USAGE.split('\n')[0]}\n(npm run simulate -- --help for the details)`);
    return 2;
  }

  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      process.stderr.write(`\nsimulate: ${signal}: finishing the request under way (again to abort it)\n`);
      stop.abort();
    } else {
      abort.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return runSimulation(cli.options, {
    stderr: (line) => process.stderr.write(`${line}\n`),
    stdout: (text) => process.stdout.write(`${text}\n`),
    stop: stop.signal,
    abort: abort.signal,
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`simulate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
