import { invalidFiltersResponse } from '@/lib/filters/invalid-filters';
import { parseFilters } from '@/lib/filters/parse-filters';
import { figure } from '@/lib/server/figure-threads';

export const dynamic = 'force-dynamic';

/** The live tiles' figures as JSON, for the same filter parameters as the pages. */
export async function GET(request: Request): Promise<Response> {
  const parsed = parseFilters(new URL(request.url).searchParams);
  if (!parsed.ok) return invalidFiltersResponse(parsed.errors);
  return Response.json(await figure('live', parsed.filters), { headers: { 'Cache-Control': 'no-store' } });
}
