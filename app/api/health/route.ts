import { getDb } from '@/db/client';
import { getHealth } from '@/lib/queries/health';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  try {
    return Response.json({ status: 'ok', db: 'ok', ...getHealth(getDb()) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Response.json(
      { status: 'error', db: 'unavailable', events: null, conversations: null, lastEventAt: null, error: message },
      { status: 503 },
    );
  }
}
