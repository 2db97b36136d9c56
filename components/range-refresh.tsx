'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * Keeps the figures of a range that includes today current while the page stays open: every
 * `everySeconds` the page's server components render again (router.refresh(): the figures, the
 * filter bar's lists, this line), in place, without a reload, the scroll position and the filter
 * bar's unapplied choices kept. A hidden tab waits until it is shown again. The live tiles refresh
 * on their own, faster (live-tiles.tsx); these figures read the whole range, so once a minute.
 */
export function RangeRefresh({
  asOf,
  everySeconds,
  until = 'while the range includes today',
}: {
  asOf: string;
  everySeconds: number;
  /** When the refreshing stops, said after "updated every …"; null: it does not (Ingest health, figures of now). */
  until?: string | null;
}) {
  const router = useRouter();
  useEffect(() => {
    // Timed from when these figures arrived (a new `asOf`), on the browser's clock.
    let due = false;
    const refresh = () => {
      due = false;
      router.refresh();
    };
    const timer = setTimeout(() => (document.visibilityState === 'visible' ? refresh() : (due = true)), everySeconds * 1000);
    const whenShown = () => {
      if (due && document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', whenShown);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', whenShown);
    };
  }, [asOf, everySeconds, router]);
  const every = everySeconds % 60 === 0 ? (everySeconds === 60 ? 'every minute' : `every ${everySeconds / 60} minutes`) : `every ${everySeconds} s`;
  return (
    <p className="as-of">
      Figures as of {asOf}, updated {every}
      {until ? ` ${until}` : ''}.
    </p>
  );
}
