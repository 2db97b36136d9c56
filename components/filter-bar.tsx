import { config } from '@/lib/config';
import type { Filters } from '@/lib/filters/parse-filters';
import { addDays, filtersToSearchParams, STATUSES } from '@/lib/filters/parse-filters';
import type { getFilterOptions, Option } from '@/lib/queries/dimensions';
import { OptionSearch } from './option-search';
import { RangePresets } from './range-presets';

const PRESETS = [
  { label: 'Today', days: 1 },
  { label: '7 days', days: 7 },
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
];
/** Lists longer than this get a search box (option-search.tsx): four rows at a time do not show a large team. */
const SEARCHABLE_FROM = 8;
type FilterBarOptions = ReturnType<typeof getFilterOptions>;
/** How a chosen id that no event has described is named, in its list and in the filters in force. */
const notInData = (id: string) => `${id} (not in the data)`;

const TIMEZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney'];

/** The timezone list: the one in force first, the team's (DASHBOARD_TZ) marked, then common ones. */
export function TimezoneSelect({ value }: { value: string }) {
  return (
    <label>
      Timezone
      <select name="tz" defaultValue={value}>
        {[...new Set([value, config().timezone, ...TIMEZONES])].map((tz) => (
          <option key={tz} value={tz}>
            {tz === config().timezone ? `${tz} (default)` : tz}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The filters as a plain GET form: every choice lands in the URL, so any view can be bookmarked
 * and shared, and it works before (and without) JavaScript. Names are rendered as text by React.
 */
export function FilterBar({
  path,
  filters,
  today,
  options,
  keep = {},
}: {
  path: string;
  filters: Filters;
  today: string;
  options: FilterBarOptions;
  /** Page parameters (such as a sort order) to submit along with the filters. */
  keep?: Record<string, string>;
}) {
  // Another range, the rest as it is: the other filters and the page's own parameters (a
  // statistic, a sort order), as Apply would submit them.
  const presets = PRESETS.map(({ label, days }) => {
    const range = { from: addDays(today, -(days - 1)), to: today };
    const params = filtersToSearchParams({ ...filters, ...range });
    for (const [name, value] of Object.entries(keep)) params.set(name, value);
    return { label, href: `${path}?${params}`, ...range };
  });
  const select = (name: string, label: string, plural: string, known: Option[], chosen: string[]) => {
    // A chosen id no event has described (a link from before the data, an agent never seen): listed,
    // and chosen, so the page does not look empty for no visible reason and Apply keeps it.
    const knownIds = new Set(known.map((item) => item.id));
    const unknown = chosen.filter((id) => !knownIds.has(id)).map((id) => ({ id, name: notInData(id) }));
    const items = [...unknown, ...known];
    const list = (
      <label>
        {label}
        <select name={name} multiple size={Math.min(4, Math.max(2, items.length))} defaultValue={chosen}>
          {items.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </select>
      </label>
    );
    if (items.length <= SEARCHABLE_FROM) return list;
    return (
      <div className="searchable">
        {list}
        <OptionSearch placeholder={`Find among ${items.length} ${plural}`} label={plural} />
      </div>
    );
  };
  return (
    // autoComplete off: a browser otherwise restores the choices last made in the form when the
    // page is reloaded or reached with Back, and the form then showed filters the page was not
    // using (Apply would have applied them unseen).
    <form className="filters" method="get" action={path} autoComplete="off">
      {Object.entries(keep).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <RangePresets presets={presets} />
      <label>
        From <input type="date" name="from" defaultValue={filters.from} />
      </label>
      <label>
        To <input type="date" name="to" defaultValue={filters.to} />
      </label>
      <TimezoneSelect value={filters.tz} />
      {select('channel', 'Channel', 'channels', options.channels, filters.channels)}
      {select('group', 'Group', 'groups', options.groups, filters.groups)}
      {select('agent', 'Agent', 'agents', options.agents, filters.agents)}
      {select('source', 'Source', 'sources', options.sources.map((s) => ({ id: s, name: s })), filters.sources)}
      {select('status', 'Status', 'statuses', STATUSES.map((s) => ({ id: s, name: s })), filters.statuses)}
      <button type="submit">Apply</button>
      <a href={path}>Reset</a>
      <Applied path={path} filters={filters} options={options} keep={keep} />
    </form>
  );
}

/**
 * The filters in force besides the range, named in a sentence, with a link that drops them and
 * keeps the range: a chosen option in a list of four visible rows may be scrolled out of sight,
 * and a screenshot or a colleague looking over a shoulder should not have to guess.
 */
function Applied({ path, filters, options, keep }: { path: string; filters: Filters; options: FilterBarOptions; keep: Record<string, string> }) {
  const nameIn = (known: Option[]) => (id: string) => known.find((item) => item.id === id)?.name ?? notInData(id);
  const parts = [
    { label: 'channel', values: filters.channels.map(nameIn(options.channels)) },
    { label: 'group', values: filters.groups.map(nameIn(options.groups)) },
    { label: 'agent', values: filters.agents.map(nameIn(options.agents)) },
    { label: 'source', values: filters.sources },
    { label: 'status', values: filters.statuses },
  ].filter((part) => part.values.length > 0);
  if (parts.length === 0) return null;
  const rangeOnly = new URLSearchParams({ from: filters.from, to: filters.to, tz: filters.tz, ...keep });
  return (
    <p className="applied">
      Filtered to{' '}
      {parts.map((part, i) => (
        <span key={part.label}>
          {i > 0 && ' · '}
          {part.label} <strong>{part.values.join(', ')}</strong>
        </span>
      ))}
      . <a href={`${path}?${rangeOnly}`}>Drop these filters</a>
    </p>
  );
}
