import { getDb } from '@/db/client';
import { invalidFiltersResponse } from '@/lib/filters/invalid-filters';
import { parseFilters } from '@/lib/filters/parse-filters';
import { getLiveFigures } from '@/lib/queries/live';

export const dynamic = 'force-dynamic';

/** The live tiles' figures as JSON, for the same filter parameters as the pages. */
export function GET(request: Request): Response {
  const parsed = parseFilters(new URL(request.url).searchParams);
  if (!parsed.ok) return invalidFiltersResponse(parsed.errors);
  return Response.json(getLiveFigures(getDb(), parsed.filters), { headers: { 'Cache-Control': 'no-store' } });
}
