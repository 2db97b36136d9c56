'use client';

import { useQuery } from '@tanstack/react-query';
import { clockTime } from '@/lib/format';
import type { LiveFigures } from '@/lib/queries/live';

export const LIVE_REFRESH_MS = 5_000;

/**
 * Tiles that refresh on their own (every 5 s) without reloading the page: the state right now,
 * under the page's filters (except the date range, which does not apply to "now").
 */
export function LiveTiles({ query, initial, windowMinutes, tz }: { query: string; initial: LiveFigures; windowMinutes: number; tz: string }) {
  const { data, isError } = useQuery({
    queryKey: ['live', query],
    queryFn: async (): Promise<LiveFigures> => {
      const response = await fetch(`/api/live?${query}`, { cache: 'no-store' });
      if (!response.ok) throw new Error(`live figures: ${response.status}`);
      return response.json();
    },
    initialData: initial,
    refetchInterval: LIVE_REFRESH_MS,
  });
  return (
    // Each figure is announced when it changes, not the whole row: the clock below changes at every refresh.
    <div className="tiles live">
      <LiveTile label="Open now" value={data.openNow} unit="conversations assigned" />
      <LiveTile label="Unassigned now" value={data.unassignedNow} unit="conversations waiting" />
      <LiveTile label={`Events, last ${windowMinutes} min`} value={data.eventsLastMinutes} unit="received (all channels)" />
      <div className="tile">
        <div className="label">Updated</div>
        {/* On the page's clock (its timezone filter), not the browser's, like every other time on the page. */}
        <div className="value small">{clockTime(data.at, tz)}</div>
        <div className="unit">{isError ? 'refresh failing: retrying' : `${tz} · every ${LIVE_REFRESH_MS / 1000} s`}</div>
      </div>
    </div>
  );
}

function LiveTile({ label, value, unit }: { label: string; value: number; unit: string }) {
  return (
    <div className="tile" aria-live="polite" aria-atomic="true">
      <div className="label">{label}</div>
      <div className="value" data-live={label}>
        {value.toLocaleString('en')}
      </div>
      <div className="unit">{unit}</div>
    </div>
  );
}
