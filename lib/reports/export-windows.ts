import type { Filters } from '../filters/parse-filters';

/**
 * How many windows of time a row report's range is cut into, for its download's threads to read in
 * turn (csv-worker.ts). Many, so that a window holds a few chunks at most (a million conversations
 * in two months: ~1,000 rows a window) and the threads take turns often: a thread runs ahead by
 * CHUNKS_AHEAD chunks at most, then waits for the main thread to take the others' windows. Few
 * enough that each window's query (built and run again, ~0.1 ms) costs nothing that counts.
 */
export const EXPORT_WINDOWS = 1024;

/** The filters' range cut into consecutive windows of equal length (the last may be shorter), in order. */
export function exportWindows(filters: Pick<Filters, 'startMs' | 'endMs'>): { startMs: number; endMs: number }[] {
  const span = filters.endMs - filters.startMs;
  const width = Math.max(1, Math.ceil(span / EXPORT_WINDOWS));
  const windows: { startMs: number; endMs: number }[] = [];
  for (let startMs = filters.startMs; startMs < filters.endMs; startMs += width) windows.push({ startMs, endMs: Math.min(startMs + width, filters.endMs) });
  // An empty range still has a window: the file is its header.
  return windows.length > 0 ? windows : [{ startMs: filters.startMs, endMs: filters.endMs }];
}
