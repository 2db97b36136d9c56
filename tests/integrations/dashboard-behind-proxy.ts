import { randomUUID } from 'node:crypto';
import { readFixture } from '../helpers/fixtures';
import { startServer, TEST_TOKEN, type TestServer } from '../helpers/server';
import { FaultProxy } from './fault-proxy';

// What the tests that run the Freshworks app against the real dashboard share: the dashboard
// (production build on localhost) behind a proxy that can inject failures, the app's settings
// pointing at it, and events of conversations of their own.

/** The dashboard's host name in the app's settings; the runtime stand-in maps it to the proxy. */
export const HOST = 'dashboard.example.test';
export const IPARAMS = { dashboard_url: `https://${HOST}`, ingest_token: TEST_TOKEN };
const C1 = '625f0520-596f-4d85-8095-0a0341485039';

export async function startDashboardBehindProxy(): Promise<{ dashboard: TestServer; proxy: FaultProxy }> {
  const dashboard = await startServer();
  return { dashboard, proxy: await new FaultProxy(dashboard.url).start() };
}

export async function stopDashboardBehindProxy(started: { dashboard?: TestServer; proxy?: FaultProxy }): Promise<void> {
  await started.proxy?.stop();
  await started.dashboard?.stop();
}

/** Fixture 01 as a new conversation, so each test counts its own rows. */
export function freshEvent(): { id: string; payload: Record<string, any> } {
  const id = randomUUID();
  return { id, payload: JSON.parse(JSON.stringify(readFixture('01-onConversationCreate.create.json')).replaceAll(C1, id)) };
}
