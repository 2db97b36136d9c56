import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client';
import type { Config } from '../config';
import { demoStatus, FIRST_RUN_DEMO, loadFirstRunDemo } from '../demo/demo-data';
import { hasEvents } from '../queries/health';
import { getSetting, SETTING, setSetting } from '../settings';

export type FirstRunResult = {
  /** The token the server should require; undefined keeps ingest closed. */
  ingestToken: string | undefined;
  /** Set only when this start generated the token: the one time it is shown. */
  generatedToken?: string;
  demo?: { conversations: number; events: number; seconds: number };
};

/**
 * What `npm start` does before serving: an empty database gets 30 days of demo data (unless
 * DEMO_DATA=0), and a demo without INGEST_TOKEN gets a generated token, stored so later starts
 * keep accepting the same one. Ingest is never left open: no demo and no token means 503.
 */
export function prepareFirstRun(db: Db, config: Pick<Config, 'ingestToken' | 'demoData'>, log: (line: string) => void): FirstRunResult {
  const result: FirstRunResult = { ingestToken: config.ingestToken };
  // Whether any event is stored, not how many: a count reads every event (seconds at millions).
  if (!hasEvents(db) && config.demoData) {
    log(`empty database: loading ${FIRST_RUN_DEMO.days} days of demo data (DEMO_DATA=0 skips this)…`);
    const started = performance.now();
    const loaded = loadFirstRunDemo(db);
    result.demo = { conversations: loaded.conversations, events: loaded.accepted, seconds: (performance.now() - started) / 1000 };
    log(`loaded ${loaded.conversations.toLocaleString('en')} demo conversations (${loaded.accepted.toLocaleString('en')} events) in ${result.demo.seconds.toFixed(1)} s; \`npm run demo:clear\` removes them`);
    // The generator's events should all pass validation; when they did not (2026-11-27: a check
    // on timestamps refused three quarters of them), the demo looked thin and the log said nothing.
    if (loaded.rejected > 0) log(`warning: ${loaded.rejected.toLocaleString('en')} demo events were refused by validation, so the demo is incomplete: a fault of this version, please report it`);
  }
  if (!result.ingestToken) {
    result.ingestToken = getSetting(db, SETTING.generatedIngestToken) ?? undefined;
    if (!result.ingestToken && demoStatus(db)) {
      result.generatedToken = result.ingestToken = randomBytes(24).toString('hex');
      setSetting(db, SETTING.generatedIngestToken, result.generatedToken);
    }
  }
  return result;
}
