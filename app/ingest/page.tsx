import { headers } from 'next/headers';
import type { SearchParams } from '@/components/dashboard-page';
import { EmptyState } from '@/components/empty-state';
import { RangeRefresh } from '@/components/range-refresh';
import { IngestChart } from '@/components/charts/ingest-chart';
import { Tile } from '@/components/tile';
import { getDb } from '@/db/client';
import { timezoneOf } from '@/lib/filters/parse-filters';
import { clockTime, countOf, dateTime } from '@/lib/format';
import { ingestLog } from '@/lib/ingest/ingest-log';
import { CHART_MINUTES, getIngestHealth } from '@/lib/queries/ingest-health';
import './ingest.css';
import { pageTitle } from '@/lib/pages';

export const dynamic = 'force-dynamic';

export const metadata = { title: pageTitle('ingest') };

/**
 * The page renders its figures again this often while it is open (in place, as the range pages
 * do): it is where a team watches deliveries start or stop, so about as often as the live tiles
 * (5 s) rather than the range pages' minute; a render costs ~10 ms whatever the data's size.
 */
export const INGEST_REFRESH_SECONDS = 10;

const STATUS_MEANING: Record<number, string> = {
  200: 'some items rejected',
  400: 'bad request',
  401: 'token missing or wrong',
  413: 'too large',
  415: 'content type or encoding not accepted',
  503: 'unavailable',
};

/**
 * Ingest health: what POST /api/events received and answered. These are figures of the server,
 * not of conversations, so the dashboard filters do not apply (only `tz`, for the times shown).
 */
export default async function IngestPage({ searchParams }: { searchParams: SearchParams }) {
  // Only the timezone applies here, so it is parsed alone: an invalid filter of another page,
  // carried along by the header's links, must not cost a valid timezone.
  const { tz, error } = timezoneOf(await searchParams);
  const db = getDb();
  const now = Date.now();
  const health = getIngestHealth(db, ingestLog().pending(), now);
  const host = (await headers()).get('host') ?? 'localhost:3000';
  const refused = Object.entries(health.lastDay.refused).filter(([, n]) => n > 0);
  const time = (ms: number) => dateTime(ms, tz).slice(11);
  return (
    <main id="main" className="ingest">
      <h1>Ingest health</h1>
      <p className="range">
        Requests to <code>POST /api/events</code> on this server. The dashboard filters do not apply here (only the timezone, {tz}, for the times shown). Events
        loaded straight into the database (by <code>npm run import</code> from a file, or as the demo data) are stored, and count as the last event received, but
        are not counted below.
      </p>
      {error && (
        <p className="error" role="alert">
          {error.message}: times are shown in {tz}.
        </p>
      )}
      <RangeRefresh asOf={`${clockTime(now, tz)} (${tz})`} everySeconds={INGEST_REFRESH_SECONDS} until={null} />
      {health.lastEventAt === null && <EmptyState host={host} />}
      <div className="tiles">
        <div className="tile">
          <div className="label">Last event received</div>
          <div className="value small">{dateTime(health.lastEventAt, tz)}</div>
          <div className="unit">{health.lastEventAt === null ? 'no event stored yet' : tz}</div>
        </div>
        <Tile label="Events, last hour" value={health.lastHour.accepted} unit={`accepted · ${countOf(health.lastHour.requests, 'request')} received`} />
        <Tile label="Duplicates, 24 h" value={health.lastDay.duplicates} unit="events already stored (not stored again)" />
        <Tile label="Rejected, 24 h" value={health.lastDay.rejected} unit={`events failing validation · ${countOf(refusedTotal(health.lastDay.refused), 'request')} refused`} />
      </div>
      <h2>Events received per minute, last {CHART_MINUTES} minutes</h2>
      {health.perMinute.every((p) => p.accepted + p.duplicates + p.rejected === 0) ? (
        <p className="empty">No request to <code>POST /api/events</code> brought an event in the last {CHART_MINUTES} minutes.</p>
      ) : (
        <IngestChart tz={tz} data={health.perMinute.map((p) => ({ time: time(p.minute), accepted: p.accepted, duplicates: p.duplicates, rejected: p.rejected }))} />
      )}
      <h2>Requests refused, last 24 h</h2>
      {refused.length === 0 ? (
        <p className="empty">No request was refused in the last 24 hours.</p>
      ) : (
        <ul className="refused">
          {refused.map(([status, n]) => (
            <li key={status}>
              <strong>{status}</strong> {STATUS_MEANING[Number(status)]}: {countOf(n, 'request')}
            </li>
          ))}
        </ul>
      )}
      <h2>Latest rejections</h2>
      {health.latestRejections.length === 0 ? (
        <p className="empty">No request or event has been rejected yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data rejections">
            <thead>
              <tr>
                <th scope="col" title={`in ${tz}`}>Time</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {health.latestRejections.map((r, i) => (
                <tr key={`${r.at}-${i}`}>
                  <td className="time">{dateTime(r.at, tz)}</td>
                  <td title={STATUS_MEANING[r.status]}>{r.status}</td>
                  <td>
                    {r.error && <div>{r.error}</div>}
                    {r.rejectedItems > 0 && (
                      <div className="muted">
                        {countOf(r.rejectedItems, 'event')} rejected{r.status === 200 ? ', the others stored' : ''}
                      </div>
                    )}
                    {r.issues.length > 0 && (
                      <ul className="issues">
                        {r.issues.map((issue, j) => (
                          <li key={j}>
                            item {issue.index}: <code>{issue.path}</code> {issue.message}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Sending events</h2>
      <p>
        Ingest URL: <code>http://{host}/api/events</code>
      </p>
      <pre>{`curl -X POST http://${host}/api/events \\
  -H "Authorization: Bearer $INGEST_TOKEN" \\
  -H "Content-Type: application/x-ndjson" \\
  --data-binary @events.ndjson`}</pre>
      <p className="footnote">
        Counted per minute in the server&apos;s memory and written to the database every few seconds; minutes are kept 30 days, the latest 100 rejections.
        Reasons never include what was sent or the token.
      </p>
    </main>
  );
}

const refusedTotal = (refused: Record<number, number>) => Object.values(refused).reduce((sum, n) => sum + n, 0);
