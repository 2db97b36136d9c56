/**
 * `npm run bench`: performance figures for the dashboard, measured against the production build.
 *
 *   npm run bench                       full run, prints a table
 *   npm run bench -- --quick            short run (under ~2 minutes)
 *   npm run bench -- --json FILE        also writes the figures as JSON to FILE
 *   npm run bench -- --only ingest      only the named suite(s) (comma-separated)
 *   npm run bench -- --build            rebuild the app first (it is built anyway when .next/BUILD_ID is missing)
 *   npm run bench -- --profile DIR      run the server with node --cpu-prof, writing its CPU profile to DIR
 *                                       (summary: npx tsx scripts/bench/profile-summary.ts DIR/*.cpuprofile)
 *
 * Suites live in scripts/bench/ (ingest.ts, pages.ts, csv.ts); each starts its own server, on a
 * fresh temporary database or on a copy of a generated dataset (scripts/bench/dataset.ts). Figures
 * have dotted keys (`ingest.single_ratio`); some have a target. The
 * exit code is 0 whether or not targets are met (the figures are the point), and non-zero only
 * when the benchmark itself failed: the server did not start, or responses were errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvSuite } from './bench/csv';
import { ingestSuite } from './bench/ingest';
import { pagesSuite } from './bench/pages';
import { machineBusyMs } from './bench/load';
import { currentBuildId, ensureBuild, startBenchServer, type BenchServer, type BuildInfo, type StartOptions } from './bench/server';
import { passes, type Figure, type Suite, type SuiteResult, type Target } from './bench/types';
import { fromInvocation } from '../lib/invocation-path';

const SUITES: Suite[] = [ingestSuite, pagesSuite, csvSuite];

type Args = { quick: boolean; json: string | null; only: string[] | null; build: boolean; profile: string | null; help: boolean };

const USAGE = `usage: npm run bench -- [--quick] [--json FILE] [--only SUITE[,SUITE]] [--build] [--profile DIR]
  --quick          short run (fewer, shorter rounds)
  --json FILE      also write the figures as JSON to FILE
  --only SUITES    run only these suites (${SUITES.map((s) => s.name).join(', ')})
  --build          run next build first (done anyway when .next/BUILD_ID is missing)
  --profile DIR    run the server as node --cpu-prof --cpu-prof-dir=DIR (the profile is written when it stops;
                   summarise it with: npx tsx scripts/bench/profile-summary.ts DIR/*.cpuprofile)`;

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, json: null, only: null, build: false, profile: null, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--quick':
        args.quick = true;
        break;
      case '--json':
        args.json = fromInvocation(value());
        break;
      case '--only':
        args.only = value().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--build':
        args.build = true;
        break;
      case '--profile':
        args.profile = fromInvocation(value());
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  if (args.only) {
    const unknown = args.only.filter((name) => !SUITES.some((suite) => suite.name === name));
    if (unknown.length > 0) throw new UsageError(`unknown suite ${unknown.join(', ')}`);
  }
  return args;
}

class UsageError extends Error {}


function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
    note: 'the load generator (this process) and the server run on the same machine and compete for its CPUs',
  };
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  const date = new Date().toISOString();
  // What the machine is doing before we start (other processes disturb the figures).
  const busyBefore = machineBusyMs();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const machine = { ...machineInfo(), busyCoresAtStart: Math.round((machineBusyMs() - busyBefore) / 10) / 100 };
  log(
    `${machine.cpu}, ${machine.cores} cores, node ${machine.node}, ${machine.busyCoresAtStart} cores busy before the start` +
      `${args.quick ? ', quick run' : ''}`,
  );
  if (machine.busyCoresAtStart > 0.25) {
    log(`warning: other processes keep ${machine.busyCoresAtStart} cores busy: figures will be lower and noisier`);
  }

  const servers: BenchServer[] = [];
  const stopAll = () => Promise.allSettled(servers.map((server) => server.stop()));
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping the server(s)`);
      void stopAll().then(() => process.exit(130));
    });
  }

  const selected = SUITES.filter((suite) => !args.only || args.only.includes(suite.name));
  const results: { suite: Suite; result: SuiteResult }[] = [];
  const failures: string[] = [];
  let build: BuildInfo | undefined;
  try {
    build = await ensureBuild({ force: args.build, log });
    if (build.stale) log('warning: sources changed after the last build: the build measured may be out of date (use --build to rebuild)');
    if (args.profile) fs.mkdirSync(args.profile, { recursive: true });
    // Node refuses --cpu-prof in NODE_OPTIONS: the server is started as `node --cpu-prof … next start`.
    const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : undefined;

    for (const suite of selected) {
      log(`suite ${suite.name}: ${suite.description}`);
      const startServer = async (options: StartOptions = {}) => {
        const server = await startBenchServer({ nodeArgs, ...options });
        servers.push(server);
        return server;
      };
      try {
        const result = await suite.run({ quick: args.quick, startServer, log });
        results.push({ suite, result });
        failures.push(...result.problems.map((problem) => `${suite.name}: ${problem}`));
      } catch (error) {
        failures.push(`${suite.name}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        await stopAll();
        servers.length = 0;
      }
      if (interrupted) break;
    }
  } catch (error) {
    failures.push(error instanceof Error ? error.message : String(error));
  } finally {
    await stopAll();
  }
  if (args.profile) log(`server CPU profile(s) in ${args.profile}`);

  const loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  const figures = results.flatMap(({ result }) => result.figures);
  console.log(renderTable(figures));
  const notes = [machine.note, ...results.flatMap(({ result }) => result.notes ?? [])];
  console.log(`\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, node ${machine.node}, ${machine.platform}; ${machine.busyCoresAtStart} cores busy before the start; load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${loadAverageAtEnd.join(' ')}`);
  const buildAtEnd = currentBuildId();
  if (build) {
    console.log(`Build: ${build.buildId}${build.built ? ' (built by this run)' : ''}${build.stale ? ' (older than the sources!)' : ''}`);
    if (buildAtEnd !== build.buildId) console.log(`Warning: .next was rebuilt during the run (now ${buildAtEnd ?? 'missing'}): the server may have served a mix of builds`);
  }
  for (const note of notes) console.log(`Note: ${note}`);
  if (failures.length > 0) {
    console.log('\nBenchmark problems (the figures above are not trustworthy):');
    for (const failure of failures) console.log(`  - ${failure}`);
  }

  if (args.json) {
    const targets: Record<string, Target & { pass: boolean }> = {};
    for (const figure of figures) if (figure.target) targets[figure.key] = { ...figure.target, pass: passes(figure.value, figure.target) };
    const report = {
      machine: { ...machine, loadAverageAtEnd },
      date,
      quick: args.quick,
      build: build ? { ...build, buildIdAtEnd: buildAtEnd } : null,
      figures: Object.fromEntries(figures.map((figure) => [figure.key, figure.value])),
      targets,
      units: Object.fromEntries(figures.filter((figure) => figure.unit).map((figure) => [figure.key, figure.unit])),
      ok: failures.length === 0,
      problems: failures,
      notes,
      details: Object.fromEntries(results.map(({ suite, result }) => [suite.name, result.details ?? {}])),
    };
    fs.mkdirSync(path.dirname(args.json), { recursive: true });
    fs.writeFileSync(args.json, `${JSON.stringify(report, jsonNumbers, 2)}\n`);
    log(`wrote ${args.json}`);
  }
  return failures.length > 0 ? 1 : 0;
}

/** JSON has no NaN or Infinity: write null rather than an invalid file. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function renderTable(figures: Figure[]): string {
  const rows = figures.map((figure) => {
    const value = formatNumber(figure.value, figure.digits);
    const target = figure.target ? `${figure.target.op} ${formatNumber(figure.target.value, figure.digits)}` : '';
    const result = figure.target ? (passes(figure.value, figure.target) ? 'PASS' : 'FAIL') : '';
    return [figure.key, value, figure.unit ?? '', target, result, figure.note ?? ''];
  });
  const header = ['metric', 'value', 'unit', 'target', 'result', 'note'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const rightAligned = new Set([1, 3]);
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return ['', line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
