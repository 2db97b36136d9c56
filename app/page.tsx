import { headers } from 'next/headers';
import { FilterBar } from '@/components/filter-bar';
import { LiveTiles } from '@/components/live-tiles';
import { VolumeChart } from '@/components/charts/volume-chart';
import { getDb } from '@/db/client';
import { filtersToSearchParams, parseFilters, todayIn } from '@/lib/filters/parse-filters';
import { getFilterOptions } from '@/lib/queries/dimensions';
import { getHealth } from '@/lib/queries/health';
import { getLiveFigures, LIVE_WINDOW_MINUTES } from '@/lib/queries/live';
import { getOverviewTiles, getVolumeByDay } from '@/lib/queries/overview';

export const dynamic = 'force-dynamic';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const hours = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} h`);

/** Overview: what was created in the range, where it stands, and how fast it was handled. */
export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  const db = getDb();
  const health = getHealth(db);
  const host = (await headers()).get('host') ?? 'localhost:3000';
  if (health.events === 0) return <EmptyState host={host} />;

  const parsed = parseFilters(await searchParams);
  if (!parsed.ok) {
    return (
      <main>
        <h1>Overview</h1>
        <div className="error" role="alert">
          <p>These filters cannot be applied:</p>
          <ul>
            {parsed.errors.map((e) => (
              <li key={e.message}>{e.message}</li>
            ))}
          </ul>
          <a href="/">Reset the filters</a>
        </div>
      </main>
    );
  }
  const filters = parsed.filters;
  const today = todayIn(filters.tz);
  const tiles = getOverviewTiles(db, filters);
  const volume = getVolumeByDay(db, filters);

  return (
    <main>
      <h1>Overview</h1>
      <FilterBar path="/" filters={filters} today={today} options={getFilterOptions(db)} />
      <h2>Right now</h2>
      <LiveTiles query={filtersToSearchParams(filters).toString()} initial={getLiveFigures(db, filters)} windowMinutes={LIVE_WINDOW_MINUTES} />
      <h2>In the range</h2>
      <p className="range">
        Conversations created {filters.from} – {filters.to} ({filters.tz})
      </p>
      <div className="tiles">
        <Tile label="Created" value={tiles.created} unit="conversations" />
        <Tile label="Open (assigned)" value={tiles.open} unit="conversations" />
        <Tile label="Unassigned (new)" value={tiles.unassigned} unit="conversations" />
        <Tile label="Resolved" value={tiles.resolved} unit="conversations" />
        <Tile label="Reopened" value={tiles.reopened} unit="conversations" />
        <Tile label="Median first response" value={hours(tiles.firstResponseHours.business)} unit={`business · ${hours(tiles.firstResponseHours.calendar)} calendar`} />
        <Tile label="Median resolution" value={hours(tiles.resolutionHours.business)} unit={`business · ${hours(tiles.resolutionHours.calendar)} calendar`} />
      </div>
      <h2>Volume by day</h2>
      {tiles.created === 0 ? <p className="empty">No conversation was created in this range with these filters.</p> : <VolumeChart data={volume} />}
      <p className="footnote">
        {health.events.toLocaleString('en')} events stored · last received {health.lastEventAt ?? 'never'}
      </p>
    </main>
  );
}

function Tile({ label, value, unit }: { label: string; value: number | string; unit: string }) {
  return (
    <div className="tile">
      <div className="label">{label}</div>
      <div className="value">{typeof value === 'number' ? value.toLocaleString('en') : value}</div>
      <div className="unit">{unit}</div>
    </div>
  );
}

function EmptyState({ host }: { host: string }) {
  return (
    <main>
      <h1>Overview</h1>
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
    </main>
  );
}
