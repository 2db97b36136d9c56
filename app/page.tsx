import { DashboardPage, type SearchParams } from '@/components/dashboard-page';
import { LiveTiles } from '@/components/live-tiles';
import { Tile } from '@/components/tile';
import { VolumeChart } from '@/components/charts/volume-chart';
import { filtersToSearchParams, todayIn } from '@/lib/filters/parse-filters';
import { dateTime, hours } from '@/lib/format';
import { lastEventReceivedAt } from '@/lib/queries/health';
import { getLiveFigures, LIVE_WINDOW_MINUTES } from '@/lib/queries/live';
import { figure } from '@/lib/server/figure-threads';
import { pageTitle, PRODUCT_NAME } from '@/lib/pages';

export const dynamic = 'force-dynamic';

// The layout's title template applies to pages below it, not beside it, so this one is whole.
export const metadata = { title: { absolute: `${pageTitle('overview')} · ${PRODUCT_NAME}` } };

/** Overview: what was created in the range, where it stands, and how fast it was handled. */
export default function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage streamed title="Overview" path="/" searchParams={searchParams} reports={['conversations']}>
      {async ({ db, filters }) => {
        const { tiles, volume } = await figure('overview', filters);
        const lastEventAt = lastEventReceivedAt(db);
        return (
          <>
            <h2>Right now</h2>
            <LiveTiles query={filtersToSearchParams(filters).toString()} initial={getLiveFigures(db, filters)} windowMinutes={LIVE_WINDOW_MINUTES} tz={filters.tz} />
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
            {tiles.created === 0 ? <p className="empty">No conversation was created in this range with these filters.</p> : <VolumeChart data={volume} timezone={filters.tz} today={todayIn(filters.tz)} />}
            <p className="footnote">
              Last event received {lastEventAt === null ? 'never' : `${dateTime(lastEventAt, filters.tz)} (${filters.tz})`} · all events:{' '}
              <a href={`/ingest?${new URLSearchParams({ tz: filters.tz })}`}>ingest health</a>
            </p>
          </>
        );
      }}
    </DashboardPage>
  );
}
