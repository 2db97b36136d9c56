import { randomBytes } from 'node:crypto';
import { headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import { Suspense, type ReactNode } from 'react';
import { EmptyState } from '@/components/empty-state';
import { FilterBar } from '@/components/filter-bar';
import { RangeRefresh } from '@/components/range-refresh';
import { getDb, type Db } from '@/db/client';
import { config } from '@/lib/config';
import { clockTime } from '@/lib/format';
import { filtersToSearchParams, parseFilters, rangeDays, todayIn, withoutInvalidFilters, type Filters } from '@/lib/filters/parse-filters';
import { getFilterOptions } from '@/lib/queries/dimensions';
import { hasEvents } from '@/lib/queries/health';
import type { ReportName } from '@/lib/reports/names';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;
/**
 * Ranges longer than this are streamed: the page's title and filters are sent at once and its
 * figures when computed, which at a million conversations takes seconds for a quarter or a year.
 * Shorter ranges are sent whole, because React batches the reveal of streamed content (up to
 * 300 ms after the first paint): measured in Chromium on the 1M database, a month's figures showed
 * after a median of 540–626 ms streamed against 372–492 ms sent whole (README, "The dashboard").
 */
const STREAM_AFTER_DAYS = 31;

export type PageContext = {
  db: Db;
  filters: Filters;
  searchParams: Record<string, string | string[] | undefined>;
  /** This page with its filters: where "Try again" leads when figures fail (see WhenComputed). */
  retry: string;
};

/**
 * The frame every dashboard page shares, so each page only queries and draws:
 * - no events stored yet → the empty state with the ingest URL and a curl example;
 * - filters that cannot be applied → the reasons, a way back (never a crash), and the filter bar
 *   holding the others;
 * - otherwise the title, the filter bar, Export CSV links carrying the current filters, then the page
 *   (a range page whose range includes today renders again every RANGE_REFRESH_SECONDS: RangeRefresh).
 */
export async function DashboardPage({
  title,
  path,
  searchParams,
  reports = [],
  keep = {},
  streamed = false,
  refreshed = streamed,
  children,
}: {
  title: string;
  /** The page's own path, where the filter form submits. */
  path: string;
  searchParams: SearchParams;
  /** The CSV reports that export what this page shows. */
  reports?: ReportName[];
  /** Page parameters (such as a sort order) that survive applying new filters. */
  keep?: Record<string, string>;
  /** The page reads the range (figure threads): stream its figures for long ranges (see STREAM_AFTER_DAYS). */
  streamed?: boolean;
  /** Render again every RANGE_REFRESH_SECONDS while the range includes today (default: the streamed pages). */
  refreshed?: boolean;
  children: (context: PageContext) => ReactNode | Promise<ReactNode>;
}) {
  const db = getDb();
  if (!hasEvents(db)) {
    const host = (await headers()).get('host') ?? 'localhost:3000';
    return (
      <main id="main">
        <h1>{title}</h1>
        <EmptyState host={host} />
      </main>
    );
  }
  const params = await searchParams;
  const parsed = parseFilters(params);
  if (!parsed.ok) {
    const kept = withoutInvalidFilters(params);
    // The filter bar stays, holding the filters that can be applied (the default range where the
    // range was wrong), so the mistake is corrected where it was made.
    const others = parseFilters(kept ?? {});
    return (
      <main id="main">
        <h1>{title}</h1>
        <div className="error" role="alert">
          <p>These filters cannot be applied:</p>
          <ul>
            {parsed.errors.map((e) => (
              <li key={e.message}>{e.message}</li>
            ))}
          </ul>
          <p className="error-actions">
            {kept && <a href={`${path}?${kept}`}>Apply the other filters</a>}
            <a href={path}>Reset the filters</a>
          </p>
        </div>
        {others.ok && <FilterBar path={path} filters={others.filters} today={todayIn(others.filters.tz)} options={getFilterOptions(db)} keep={keep} />}
      </main>
    );
  }
  const filters = parsed.filters;
  const query = filtersToSearchParams(filters).toString();
  const retry = `${path}?${new URLSearchParams([...new URLSearchParams(query), ...Object.entries(keep)])}`;
  const context: PageContext = { db, filters, searchParams: params, retry };
  const today = todayIn(filters.tz);
  const refreshSeconds = config().rangeRefreshSeconds;
  const asOf = `${clockTime(Date.now(), filters.tz)} (${filters.tz})`;
  return (
    <main id="main">
      <div className="page-head">
        <h1>{title}</h1>
        {reports.length > 0 && (
          <div className="exports">
            {reports.map((name) => (
              <a key={name} className="export" href={`/api/reports/${name}.csv?${query}`} download>
                Export CSV{reports.length > 1 ? `: ${name}` : ''}
              </a>
            ))}
          </div>
        )}
      </div>
      <FilterBar path={path} filters={filters} today={today} options={getFilterOptions(db)} keep={keep} />
      {refreshed &&
        refreshSeconds > 0 &&
        (filters.to >= today ? (
          // A range still to begin is refreshed too (left open, it fills as its days come), and said so.
          <RangeRefresh asOf={asOf} everySeconds={refreshSeconds} until={filters.from > today ? `until the range has ended (it begins ${filters.from})` : undefined} />
        ) : (
          // A range that has ended is not refreshed: said, so that a view left open past midnight
          // (the Today preset, yesterday by morning) does not pass for a current one once it renders again.
          <p className="as-of">Figures as of {asOf}, not updated: the range ended before today.</p>
        ))}
      {streamed && rangeDays(filters) > STREAM_AFTER_DAYS ? (
        // The title and filters go out at once, with a note; the figures follow when computed.
        <Suspense fallback={<FiguresLoading filters={filters} />}>
          <Figures render={children} context={context} />
        </Suspense>
      ) : (
        <Figures render={children} context={context} />
      )}
    </main>
  );
}

/**
 * The page's own content. When its figures cannot be computed (a figure thread failed, the
 * database cannot be read), the title and filters stay, with a note and a way to try again; the
 * server log has the error under the reference shown.
 */
async function Figures({ render, context }: { render: (context: PageContext) => ReactNode | Promise<ReactNode>; context: PageContext }) {
  try {
    return await render(context);
  } catch (error) {
    return figuresFailed(error, context.retry);
  }
}

/**
 * A part of a page drawn from figures a figure thread is still computing. A page starts its
 * figures first, reads what it draws on the main thread, and hands the promise here: React renders
 * the rest of the page while the thread works, where awaiting first leaves the main thread idle
 * meanwhile. Failures show as in Figures.
 */
export async function WhenComputed<T>({ figures, retry, children }: { figures: Promise<T>; retry: string; children: (value: T) => ReactNode }) {
  try {
    return children(await figures);
  } catch (error) {
    return figuresFailed(error, retry);
  }
}

/** The note shown in place of figures that could not be computed; the server log has the error under its reference. */
function figuresFailed(error: unknown, retry: string): ReactNode {
  // notFound(), redirect() and the like are Next's to handle.
  unstable_rethrow(error);
  const reference = randomBytes(4).toString('hex');
  console.error(`[dashboard] the figures of ${retry} could not be computed (reference ${reference}):`, error);
  return (
    <div className="error" role="alert">
      <p>The figures of this page could not be computed (reference {reference} in the server log).</p>
      <a href={retry}>Try again</a>
    </div>
  );
}

function FiguresLoading({ filters }: { filters: Filters }) {
  return (
    <p className="figures-loading" role="status">
      Computing the figures for {filters.from} – {filters.to}…
    </p>
  );
}
