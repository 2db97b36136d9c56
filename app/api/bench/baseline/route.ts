export const dynamic = 'force-dynamic';

/**
 * The benchmark's yardstick (npm run bench): a handler that only parses the JSON body and
 * answers, so ingest's cost can be stated as a ratio of the framework's own per-request cost.
 * Off (404) unless the server runs with BENCH_BASELINE=1.
 */
export async function POST(request: Request): Promise<Response> {
  if (process.env.BENCH_BASELINE !== '1') return Response.json({ error: 'not found' }, { status: 404 });
  const body: unknown = await request.json();
  return Response.json({ accepted: Array.isArray(body) ? body.length : 1, duplicates: 0, rejected: [] });
}
