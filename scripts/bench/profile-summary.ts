/**
 * Summarises a V8 CPU profile (a `.cpuprofile` written by `npm run bench -- --profile DIR`):
 * where the server's CPU time went, by kind of code, by function (self time) and by function
 * including what it called (inclusive time).
 *
 *   npx tsx scripts/bench/profile-summary.ts DIR/*.cpuprofile [--top 30] [--match TEXT]
 *
 * `--match TEXT` limits the inclusive list to functions whose name or file contains TEXT.
 */
import fs from 'node:fs';
import path from 'node:path';

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

function main(): void {
  const argv = process.argv.slice(2);
  let top = 30;
  let match: string | null = null;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--top') top = Number(argv[++i]);
    else if (argv[i] === '--match') match = argv[++i] ?? null;
    else files.push(argv[i]!);
  }
  if (files.length === 0) {
    console.error('usage: npx tsx scripts/bench/profile-summary.ts FILE.cpuprofile [...] [--top N] [--match TEXT]');
    process.exit(2);
  }
  for (const file of files) summarise(file, top, match);
}

function summarise(file: string, top: number, match: string | null): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>(); // node id → µs
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = total - idle;

  const categories = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, time] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    add(categories, category(node.callFrame), time);
    add(selfByFunction, label(node.callFrame), time);
    // Inclusive: every distinct function on the stack of this sample (recursion counted once).
    const seen = new Set<string>();
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const key = label(byId.get(cursor)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, time);
    }
  }

  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${path.basename(file)}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`);
  console.log('\nBy kind of code (self time):');
  for (const [name, time] of sorted(categories)) console.log(`  ${ms(time)} ${pct(time)}  ${name}`);
  console.log(`\nTop ${top} functions by self time:`);
  for (const [name, time] of sorted(selfByFunction).slice(0, top)) console.log(`  ${ms(time)} ${pct(time)}  ${name}`);
  console.log(`\nTop ${top} functions by inclusive time${match ? ` matching "${match}"` : ''}:`);
  const inclusiveRows = sorted(inclusive).filter(([name]) => !match || name.includes(match));
  for (const [name, time] of inclusiveRows.slice(0, top)) console.log(`  ${ms(time)} ${pct(time)}  ${name}`);
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function sorted(map: Map<string, number>): [string, number][] {
  return [...map].sort((a, b) => b[1] - a[1]);
}

function shortUrl(url: string): string {
  const cleaned = url.replace(/^file:\/\//, '');
  const index = cleaned.lastIndexOf('/node_modules/');
  if (index >= 0) return cleaned.slice(index + '/node_modules/'.length);
  const next = cleaned.indexOf('/.next/');
  if (next >= 0) return cleaned.slice(next + 1);
  return cleaned;
}

function label({ functionName, url, lineNumber, columnNumber }: CallFrame): string {
  const name = functionName || '(anonymous)';
  return url ? `${name}  ${shortUrl(url)}:${lineNumber + 1}:${columnNumber + 1}` : name;
}

function category({ functionName, url }: CallFrame): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(program)') return '(program): V8/native work outside JS functions';
    return `native: ${functionName || '(anonymous)'}`;
  }
  if (url.startsWith('node:')) return 'node: built-in modules (http, streams, crypto, …)';
  const cleaned = url.replace(/^file:\/\//, '');
  const modules = cleaned.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = cleaned.slice(modules + '/node_modules/'.length).split('/');
    const pkg = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (pkg === 'next' && rest.includes('compiled')) return `next (compiled/${rest[rest.indexOf('compiled') + 1]})`;
    return pkg;
  }
  if (cleaned.includes('/.next/server/')) return 'app bundle (.next/server: app code and the packages bundled with it)';
  return shortUrl(url);
}

main();
