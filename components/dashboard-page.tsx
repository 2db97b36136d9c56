import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { EmptyState } from '@/components/empty-state';
import { FilterBar } from '@/components/filter-bar';
import { getDb, type Db } from '@/db/client';
import { filtersToSearchParams, parseFilters, todayIn, type Filters } from '@/lib/filters/parse-filters';
import { getFilterOptions } from '@/lib/queries/dimensions';
import { hasEvents } from '@/lib/queries/health';
import type { ReportName } from '@/lib/reports/names';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;
export type PageContext = { db: Db; filters: Filters; searchParams: Record<string, string | string[] | undefined> };

/**
 * The frame every dashboard page shares, so each page only queries and draws:
 * - no events stored yet → the empty state with the ingest URL and a curl example;
 * - filters that cannot be applied → the reasons, and a way back (never a crash);
 * - otherwise the title, the filter bar, Export CSV links carrying the current filters, then the page.
 */
export async function DashboardPage({
  title,
  path,
  searchParams,
  reports = [],
  keep = {},
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
  children: (context: PageContext) => ReactNode | Promise<ReactNode>;
}) {
  const db = getDb();
  if (!hasEvents(db)) {
    const host = (await headers()).get('host') ?? 'localhost:3000';
    return (
      <main>
        <h1>{title}</h1>
        <EmptyState host={host} />
      </main>
    );
  }
  const params = await searchParams;
  const parsed = parseFilters(params);
  if (!parsed.ok) {
    return (
      <main>
        <h1>{title}</h1>
        <div className="error" role="alert">
          <p>These filters cannot be applied:</p>
          <ul>
            {parsed.errors.map((e) => (
              <li key={e.message}>{e.message}</li>
            ))}
          </ul>
          <a href={path}>Reset the filters</a>
        </div>
      </main>
    );
  }
  const filters = parsed.filters;
  const query = filtersToSearchParams(filters).toString();
  return (
    <main>
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
      <FilterBar path={path} filters={filters} today={todayIn(filters.tz)} options={getFilterOptions(db)} keep={keep} />
      {await children({ db, filters, searchParams: params })}
    </main>
  );
}
