import { DashboardPage, type SearchParams } from '@/components/dashboard-page';
import { HistogramChart } from '@/components/charts/histogram-chart';
import { TrendChart } from '@/components/charts/trend-chart';
import { STATISTICS } from '@/lib/events/statistics';
import { filtersToSearchParams } from '@/lib/filters/parse-filters';
import { hours, pairCount } from '@/lib/format';
import { figure } from '@/lib/server/figure-threads';
import {
  isStatistic,
  STATISTIC_LABELS,
  type BreakdownRow,
  type StatisticSummary,
} from '@/lib/queries/statistics';
import { pageTitle } from '@/lib/pages';

export const dynamic = 'force-dynamic';

export const metadata = { title: pageTitle('statistics') };

/** Statistics: Freshchat's response and handling times, business beside calendar hours. */
export default async function StatisticsPage({ searchParams }: { searchParams: SearchParams }) {
  const chosen = (await searchParams).statistic;
  const statistic = isStatistic(chosen) ? chosen : STATISTICS[0];
  // A mistyped or outdated link still shows the page, and says what it shows instead.
  const unknownChoice = chosen !== undefined && !isStatistic(chosen) ? String(chosen) : null;
  return (
    <DashboardPage streamed title="Statistics" path="/statistics" searchParams={searchParams} reports={['conversations']} keep={{ statistic }}>
      {async ({ filters }) => {
        // One read of the range's conversations for every figure below.
        const [summaries, { histogram, trend, byGroup, byChannel }] = await Promise.all([
          figure('statisticSummaries', filters),
          figure('statisticDetails', filters, statistic),
        ]);
        const label = STATISTIC_LABELS[statistic];
        const selected = summaries.find((s) => s.statistic === statistic)!;
        const hasValues = selected.business.n + selected.calendar.n > 0;
        const query = filtersToSearchParams(filters);
        const link = (name: string) => `/statistics?${new URLSearchParams([...query, ['statistic', name]])}`;
        return (
          <>
            <p className="range">
              Conversations created {filters.from} – {filters.to} ({filters.tz}) matching the filters. Freshchat sends these times in hours; under an hour they read in minutes here. Business
              hours count only the group&apos;s business calendar, calendar hours count every hour. Median and p90 are exact (linear interpolation
              between ranks); conversations without a value are left out of each figure.
            </p>
            <h2>All statistics</h2>
            <div className="table-wrap">
              <table className="data cards statistics-summary">
                <PairHead first="Statistic" />
                <tbody>
                  {summaries.map((s) => (
                    <SummaryRow key={s.statistic} summary={s} href={link(s.statistic)} current={s.statistic === statistic} />
                  ))}
                </tbody>
              </table>
            </div>
            {unknownChoice !== null && (
              <p className="error" role="alert">
                There is no statistic “{unknownChoice}”: showing {label.toLowerCase()} instead. The statistics are {STATISTICS.join(', ')}.
              </p>
            )}
            <h2>{label}: details</h2>
            <nav className="picker" aria-label="Statistic shown in detail">
              {STATISTICS.map((name) => (
                <a key={name} href={link(name)} aria-current={name === statistic ? 'true' : undefined}>
                  {STATISTIC_LABELS[name]}
                </a>
              ))}
            </nav>
            {!hasValues ? (
              <p className="empty">
                No conversation created in this range with these filters has a {label.toLowerCase()} time yet: Freshchat sends statistics on
                updates, usually once a conversation is answered or resolved. Widen the range or the filters.
              </p>
            ) : (
              <>
                <div className="charts-2">
                  <section>
                    <h3>Distribution (conversations per time bin)</h3>
                    <HistogramChart data={histogram} statistic={label} />
                  </section>
                  <section>
                    <h3>Trend (daily median, by creation day)</h3>
                    <TrendChart data={trend} statistic={label} />
                  </section>
                </div>
                <h3>By group (current assigned group)</h3>
                <BreakdownTable rows={byGroup} what="Group" />
                <h3>By channel (topic)</h3>
                <BreakdownTable rows={byChannel} what="Channel" />
              </>
            )}
          </>
        );
      }}
    </DashboardPage>
  );
}

const FIGURES = { median: 'Median', p90: 'p90', mean: 'Mean' } as const;

/** Median, p90 and mean, business beside calendar; each cell labelled for the narrow (card) layout. */
const pairCells = (s: Pick<StatisticSummary, 'business' | 'calendar'>) =>
  (Object.keys(FIGURES) as (keyof typeof FIGURES)[]).flatMap((figure) => [
    <td key={`${figure}-b`} className="num" data-label={`${FIGURES[figure]}, business`}>
      {hours(s.business[figure])}
    </td>,
    <td key={`${figure}-c`} className="num" data-label={`${FIGURES[figure]}, calendar`}>
      {hours(s.calendar[figure])}
    </td>,
  ]);

/** Two header rows: the figure over its business and calendar columns. */
function PairHead({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th rowSpan={2}>{first}</th>
        <th className="num" rowSpan={2}>
          Conversations with a value
        </th>
        {Object.values(FIGURES).map((figure) => (
          <th key={figure} className="span" colSpan={2}>
            {figure}
          </th>
        ))}
      </tr>
      <tr>
        {Object.values(FIGURES).flatMap((figure) => [
          <th key={`${figure}-b`} className="num">
            business
          </th>,
          <th key={`${figure}-c`} className="num">
            calendar
          </th>,
        ])}
      </tr>
    </thead>
  );
}

function SummaryRow({ summary, href, current }: { summary: StatisticSummary; href: string; current: boolean }) {
  return (
    <tr data-statistic={summary.statistic} aria-current={current ? 'true' : undefined}>
      <td className="full">
        <a href={href}>{summary.label}</a>
      </td>
      <td className="num full" data-label="Conversations with a value">
        {pairCount(summary.business.n, summary.calendar.n)}
      </td>
      {pairCells(summary)}
    </tr>
  );
}

function BreakdownTable({ rows, what }: { rows: BreakdownRow[]; what: string }) {
  return (
    <div className="table-wrap">
      <table className="data cards breakdown">
        <PairHead first={what} />
        <tbody>
          {rows.map((row) => (
            <tr key={row.id ?? '(none)'} data-name={row.name}>
              <td className="full">{row.name}</td>
              <td className="num full" data-label="Conversations with a value">
                {pairCount(row.business.n, row.calendar.n)}
              </td>
              {pairCells(row)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
