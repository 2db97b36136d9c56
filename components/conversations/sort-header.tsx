import type { SortDirection, SortKey } from '@/lib/queries/conversation-list-params';

/**
 * A column header that sorts the table: on the current column it toggles the direction, on another
 * it starts with the column's natural first direction. Either way it goes back to page 1.
 */
export function SortHeader({
  column,
  label,
  current,
  href,
  numeric = false,
  firstDirection = 'asc',
}: {
  column: SortKey;
  label: string;
  current: { sort: SortKey; dir: SortDirection };
  /** The link for a sort: filters carried, page reset. */
  href: (sort: SortKey, dir: SortDirection) => string;
  numeric?: boolean;
  firstDirection?: SortDirection;
}) {
  const active = current.sort === column;
  const next: SortDirection = active ? (current.dir === 'asc' ? 'desc' : 'asc') : firstDirection;
  const ariaSort = active ? (current.dir === 'asc' ? 'ascending' : 'descending') : undefined;
  return (
    <th scope="col" aria-sort={ariaSort} className={numeric ? 'num' : undefined}>
      <a href={href(column, next)} title={`Sort by ${label.toLowerCase()}, ${next === 'asc' ? 'ascending' : 'descending'}`}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (current.dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </span>
      </a>
    </th>
  );
}
