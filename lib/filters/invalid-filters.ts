import type { FilterError } from './parse-filters';

/**
 * The one answer of every JSON and CSV endpoint to filters it cannot apply: 400 with
 * `{error, errors: [{param, message}]}`, before any byte of a report is written.
 */
export function invalidFiltersResponse(errors: FilterError[]): Response {
  return Response.json(
    { error: `invalid filters: ${errors.map((e) => e.message).join('; ')}`, errors },
    { status: 400, headers: { 'Cache-Control': 'no-store' } },
  );
}
