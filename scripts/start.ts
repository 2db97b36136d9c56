/**
 * `npm start`: checks the configuration, builds the app when the build is missing or older than
 * the sources, then serves it with `next start` on PORT. Migrations run as the server starts
 * (instrumentation.ts), so a fresh clone needs nothing else.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../lib/config';
import { configOrExit, openDatabaseOrExit } from './config-or-exit';
import { prepareFirstRun } from '../lib/server/first-run';
import { buildIsCurrent, ROOT } from './build-state';

const root = ROOT;

function main(): void {
  const settings: Config = configOrExit();
  const { port } = settings;
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  const nextBin = path.join(root, 'node_modules', '.bin', 'next');
  if (!buildIsCurrent()) {
    console.log('[dashboard] building the app (first start, or the sources changed)…');
    const build = spawnSync(nextBin, ['build'], { cwd: root, env, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  const log = (line: string) => console.log(`[dashboard] ${line}`);
  const db = openDatabaseOrExit(settings.databasePath);
  const firstRun = prepareFirstRun(db, settings, log);
  db.$client.close();
  // A generated token is stored in the database, where the server reads it (lib/ingest/ingest-token.ts).
  const ingestUrl = `http://localhost:${port}/api/events`;
  if (firstRun.generatedToken) {
    log(`generated an ingest token (shown this once; stored in the database; set INGEST_TOKEN to use your own):`);
    log(`  ${firstRun.generatedToken}`);
    log(`send events: curl -X POST ${ingestUrl} -H "Authorization: Bearer ${firstRun.generatedToken}" -H "Content-Type: application/x-ndjson" --data-binary @events.ndjson`);
  } else if (firstRun.ingestToken) {
    log(`send events: POST ${ingestUrl} with Authorization: Bearer <${settings.ingestToken ? 'INGEST_TOKEN' : 'the token generated on first run'}>`);
  }
  if (settings.access.configured) {
    const how = settings.access.password ? 'the team password (DASHBOARD_PASSWORD)' : `the ${settings.access.proxyHeader} header from the sign-in proxy`;
    log(`listening on ${settings.host}:${port}; viewing requires ${how}`);
  } else {
    log(`open access: no sign-in configured, so listening on ${settings.host} only (this machine). Set DASHBOARD_PASSWORD to share the dashboard (README, "Security")`);
  }
  const server = spawn(nextBin, ['start', '--port', String(port), '--hostname', settings.host], { cwd: root, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
  server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
