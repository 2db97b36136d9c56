import { FirstEventWatch } from '@/components/first-event-watch';
import { expectedIngestToken } from '@/lib/ingest/ingest-token';

/**
 * What every page shows before the first event: where to send events, and how; first, when this
 * server has no ingest token (neither INGEST_TOKEN nor one a first run stored: the rule ingest
 * itself applies, expectedIngestToken), that ingest is off until it has one (it answers 503 meanwhile).
 */
export function EmptyState({ host }: { host: string }) {
  return (
    <div className="empty-state">
      {expectedIngestToken() === undefined && (
        <p role="alert">
          <strong>Ingest is off:</strong> this server has no <code>INGEST_TOKEN</code>, so <code>POST /api/events</code> answers 503. Start it with one (at
          least 16 characters, e.g. <code>INGEST_TOKEN=$(openssl rand -hex 32) npm start</code>), then send events with it.
        </p>
      )}
      <p>
        <strong>No events yet.</strong> Send Freshchat conversation events to <code>POST /api/events</code> with your ingest token:
      </p>
      <pre>{`curl -X POST http://${host}/api/events \\
  -H "Authorization: Bearer $INGEST_TOKEN" \\
  -H "Content-Type: application/x-ndjson" \\
  --data-binary @events.ndjson`}</pre>
      <p>
        Or load history from a file with <code>npm run import -- FILE</code> (NDJSON or a JSON array, optionally gzip).
      </p>
      <FirstEventWatch />
    </div>
  );
}
