import { headers } from 'next/headers';
import { getDb } from '@/db/client';
import { getHealth } from '@/lib/queries/health';

export const dynamic = 'force-dynamic';

/** Placeholder overview until the dashboard views land: what is stored, and how to send more. */
export default async function OverviewPage() {
  const health = getHealth(getDb());
  const host = (await headers()).get('host') ?? 'localhost:3000';
  return (
    <main>
      <h1>Conversation observability</h1>
      <div className="tiles">
        <div className="tile">
          <div className="label">Events stored</div>
          <div className="value">{health.events.toLocaleString('en')}</div>
        </div>
        <div className="tile">
          <div className="label">Conversations</div>
          <div className="value">{health.conversations.toLocaleString('en')}</div>
        </div>
        <div className="tile">
          <div className="label">Last event received</div>
          <div className="value" style={{ fontSize: '1rem' }}>{health.lastEventAt ?? 'none yet'}</div>
        </div>
      </div>
      <h2>Send events</h2>
      <pre>{`curl -X POST http://${host}/api/events \\
  -H "Authorization: Bearer $INGEST_TOKEN" \\
  -H "Content-Type: application/x-ndjson" \\
  --data-binary @events.ndjson`}</pre>
    </main>
  );
}
