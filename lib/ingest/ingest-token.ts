import { getDb } from '../../db/client';
import { config } from '../config';
import { getSetting, SETTING } from '../settings';

let stored: string | undefined;

/**
 * The token ingest requires: INGEST_TOKEN, else the one `npm start` generated on a first run and
 * stored in the database (lib/server/first-run.ts), so that `next start` or `npm run dev` on that
 * database accept the token that was printed, as `npm start` does. Undefined: ingest is closed.
 * A stored token is read once; none found is looked for again on the next request.
 */
export function expectedIngestToken(): string | undefined {
  const configured = config().ingestToken;
  if (configured) return configured;
  stored ??= getSetting(getDb(), SETTING.generatedIngestToken) ?? undefined;
  return stored;
}
