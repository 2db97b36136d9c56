import { DashboardPage, type SearchParams } from '@/components/dashboard-page';
import { Tile } from '@/components/tile';
import { TransitionMatrix } from '@/components/transition-matrix';
import { TimeInStatusChart } from '@/components/charts/time-in-status-chart';
import { TransitionsByDayChart } from '@/components/charts/transitions-by-day-chart';
import notes from '@/components/figure-notes.module.css';
import { count, hours, percent } from '@/lib/format';
import { todayIn } from '@/lib/filters/parse-filters';
import { figure } from '@/lib/server/figure-threads';
import { pageTitle } from '@/lib/pages';

export const dynamic = 'force-dynamic';

export const metadata = { title: pageTitle('transitions') };

/** Status transitions in the range: which, when, how often conversations come back, how long each status lasts. */
export default function TransitionsPage({ searchParams }: { searchParams: SearchParams }) {
  return (
    <DashboardPage streamed title="Status transitions" path="/transitions" searchParams={searchParams} reports={['transitions']}>
      {async ({ filters }) => {
        const { matrix: cells, byDay, summary, timeInStatus } = await figure('transitions', filters);
        const empty = <p className="empty">No status transition happened in this range to conversations matching these filters.</p>;
        return (
          <>
            <p className="range">
              Status transitions made {filters.from} – {filters.to} ({filters.tz}) to conversations matching the other filters, whenever they were created; a
              conversation&apos;s creation counts as the transition (created) → new.
            </p>
            <div className="tiles">
              <Tile label="Transitions" value={summary.transitions} unit="status changes" />
              <Tile label="Resolutions" value={summary.resolutions} unit="transitions into resolved" />
              <Tile label="Reopens" value={summary.reopens} unit="transitions out of resolved" />
              <Tile label="Reopen rate" value={percent(summary.reopens, summary.resolutions)} unit="reopens ÷ resolutions" />
            </div>
            <p className={notes.definition}>
              Reopen rate = transitions from resolved to any other status ÷ transitions into resolved, both counted in the range (it can exceed 100 % when
              conversations resolved before the range reopen in it).
            </p>

            <h2>From → to</h2>
            {summary.transitions === 0 ? empty : <TransitionMatrix cells={cells} />}
            <p className={notes.definition}>Transitions per pair of statuses; darker cells hold more transitions.</p>

            <h2>Transitions by day</h2>
            {summary.transitions === 0 ? empty : <TransitionsByDayChart data={byDay} timezone={filters.tz} today={todayIn(filters.tz)} />}

            <h2>Median time in each status</h2>
            {timeInStatus.every((row) => row.medianHours === null) ? (
              <p className="empty">No stay that began in this range has ended yet (or no transition happened), so there is no time in status to show.</p>
            ) : (
              <TimeInStatusChart data={timeInStatus} />
            )}
            {timeInStatus.length > 0 && (
              <div className="table-wrap">
                <table className="data" aria-label="Time in each status">
                  <thead>
                    <tr>
                      <th scope="col">status</th>
                      <th scope="col" className="num">
                        median
                      </th>
                      <th scope="col" className="num">
                        completed stays
                      </th>
                      <th scope="col" className="num">
                        still in status
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {timeInStatus.map((row) => (
                      <tr key={row.status}>
                        <td>{row.status}</td>
                        <td className="num">{hours(row.medianHours)}</td>
                        <td className="num">{count(row.completedStays)}</td>
                        <td className="num">{count(row.openStays)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p className={notes.definition}>
              Time in status = from a transition in the range to the same conversation&apos;s next transition, in calendar hours, by the status entered. Only
              completed stays count: a conversation still in the status is listed under &ldquo;still in status&rdquo; and left out of the median.
            </p>
          </>
        );
      }}
    </DashboardPage>
  );
}
