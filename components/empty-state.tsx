/** What every page shows before the first event: where to send events, and how. */
export function EmptyState({ host }: { host: string }) {
  return (
    <div className="empty-state">
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
    </div>
  );
}
