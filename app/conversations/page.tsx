import { redirect } from 'next/navigation';
import { ConversationTable } from '@/components/conversations/conversation-table';
import { FindConversation } from '@/components/conversations/find-conversation';
import { DashboardPage, type SearchParams } from '@/components/dashboard-page';
import { asSearchParams, filtersToSearchParams, parseFilters, type Filters } from '@/lib/filters/parse-filters';
import { getDb } from '@/db/client';
import { count } from '@/lib/format';
import { getConversationList } from '@/lib/queries/conversation-list';
import { findConversations } from '@/lib/queries/find-conversation';
import { listParamsToEntries, parseListParams, type ListParams } from '@/lib/queries/conversation-list-params';
import './conversations.css';
import { pageTitle } from '@/lib/pages';

export const dynamic = 'force-dynamic';

export const metadata = { title: pageTitle('conversations') };

/** Conversations created in the range, one row each, sortable and paginated (50 a page). */
export default async function ConversationsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const parsed = parseListParams(params);
  const keep: Record<string, string> = parsed.ok ? { sort: parsed.params.sort, dir: parsed.params.dir } : {};
  const find = [params.find ?? []].flat()[0];
  // `find` opens a conversation whatever the range and filters: also when one of them is wrong,
  // which stops the list (and the search box under it) from showing. The wrong value rides along
  // to the conversation's page, which applies only `tz` and names a wrong one.
  if (find !== undefined && !parseFilters(params).ok) {
    const found = findConversations(getDb(), find);
    if (found.matches.length === 1) {
      const given = [...asSearchParams(params)].filter(([name]) => name !== 'find');
      redirect(`/conversations/${encodeURIComponent(found.matches[0]!.id)}?${new URLSearchParams(given)}`);
    }
  }
  // The newest conversations stay current as the range pages do; another order or page is being
  // read, and rows moving under the reader would lose their place.
  const newestFirst = parsed.ok && parsed.params.sort === 'created' && parsed.params.dir === 'desc' && parsed.params.page === 1 && find === undefined;
  return (
    <DashboardPage title="Conversations" path="/conversations" searchParams={searchParams} reports={['conversations']} keep={keep} refreshed={newestFirst}>
      {({ db, filters }) => {
        const filterQuery = filtersToSearchParams(filters);
        // `find`: an id, or its beginning. One match opens it; otherwise the page says what matched.
        const found = find === undefined ? null : findConversations(db, find);
        const listed = parsed.ok ? parsed.params : null;
        if (found?.matches.length === 1) redirect(detailLink(found.matches[0]!.id, filters, listed));
        const search = <FindConversation filters={filters} keep={keep} found={found} detailHref={(id) => detailLink(id, filters, listed)} />;
        if (!parsed.ok) {
          return (
            <div className="error" role="alert">
              <p>This table order cannot be applied:</p>
              <ul>
                {parsed.errors.map((e) => (
                  <li key={e.message}>{e.message}</li>
                ))}
              </ul>
              <a href={`/conversations?${filterQuery}`}>Show the table in its default order</a>
            </div>
          );
        }
        const list = getConversationList(db, filters, parsed.params);
        const link = (params: ListParams) => `/conversations?${new URLSearchParams([...filterQuery, ...Object.entries(listParamsToEntries(params))])}`;
        const current = parsed.params;
        return (
          <>
            {search}
            <p className="range">
              Conversations created {filters.from} – {filters.to} ({filters.tz}); times in {filters.tz}; first response and resolution in business / calendar hours.
            </p>
            {list.total === 0 ? (
              <p className="empty">No conversation was created in this range with these filters. Widen the dates or remove a filter.</p>
            ) : list.rows.length === 0 ? (
              <p className="empty">
                Page {current.page} is past the last page: {count(list.total)} conversations make {list.pageCount} {list.pageCount === 1 ? 'page' : 'pages'}.{' '}
                <a href={link({ ...current, page: 1 })}>Go to page 1</a> or <a href={link({ ...current, page: list.pageCount })}>the last page</a>.
              </p>
            ) : (
              <>
                <Pager total={list.total} first={list.firstRow} last={list.lastRow} page={list.page} pageCount={list.pageCount} href={(page) => link({ ...current, page })} />
                <ConversationTable
                  rows={list.rows}
                  tz={filters.tz}
                  current={current}
                  sortHref={(sort, dir) => link({ sort, dir, page: 1 })}
                  detailHref={(id) => detailLink(id, filters, current)}
                />
                <Pager total={list.total} first={list.firstRow} last={list.lastRow} page={list.page} pageCount={list.pageCount} href={(page) => link({ ...current, page })} />
              </>
            )}
          </>
        );
      }}
    </DashboardPage>
  );
}

/** One conversation, with the filters and the table's order and page, for its way back (app/conversations/[id]). */
function detailLink(conversationId: string, filters: Filters, listed: ListParams | null): string {
  const params = new URLSearchParams([...filtersToSearchParams(filters), ...Object.entries(listed ? listParamsToEntries(listed) : {})]);
  return `/conversations/${encodeURIComponent(conversationId)}?${params}`;
}

function Pager({ total, first, last, page, pageCount, href }: { total: number; first: number; last: number; page: number; pageCount: number; href: (page: number) => string }) {
  return (
    <nav className="pager" aria-label="Pages of the table">
      <span className="rows">
        rows {count(first)}–{count(last)} of {count(total)}
      </span>
      <span className="pages">
        {page > 1 ? <a href={href(page - 1)} rel="prev">← Previous</a> : <span className="muted">← Previous</span>}
        <span>
          page {count(page)} of {count(pageCount)}
        </span>
        {page < pageCount ? <a href={href(page + 1)} rel="next">Next →</a> : <span className="muted">Next →</span>}
      </span>
    </nav>
  );
}
