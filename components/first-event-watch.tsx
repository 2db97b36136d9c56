'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { LIVE_REFRESH_MS } from '@/components/live-tiles';

/**
 * Under the empty state: asks the server every 5 s (as often as the live tiles) whether an event
 * has been stored, and when one has, renders the page again in place, so whoever set up the
 * Freshworks app and waits on this page sees the first delivery arrive without reloading.
 * `/api/health` is the cheapest question with that answer (a count kept at ingest).
 */
export function FirstEventWatch() {
  const router = useRouter();
  const { data, isError } = useQuery({
    queryKey: ['first-event'],
    queryFn: async (): Promise<number> => {
      // A 503 (storage not writable) still carries the count; only a count is an answer.
      const response = await fetch('/api/health', { cache: 'no-store' });
      const { events } = (await response.json()) as { events?: unknown };
      if (typeof events !== 'number') throw new Error(`health: ${response.status}`);
      return events;
    },
    refetchInterval: (query) => ((query.state.data ?? 0) > 0 ? false : LIVE_REFRESH_MS),
  });
  const arrived = (data ?? 0) > 0;
  useEffect(() => {
    if (arrived) router.refresh();
  }, [arrived, router]);
  return (
    <p className="first-event-watch" role="status">
      {arrived ? 'The first event has arrived: loading the figures…' : isError ? 'Checking for events is failing: retrying.' : `This page shows the figures by itself once the first event arrives (checked every ${LIVE_REFRESH_MS / 1000} s).`}
    </p>
  );
}
