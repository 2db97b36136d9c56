/**
 * A CSV file as a download, with the headers every report is documented with (README, "CSV
 * reports"): the type with its charset, the file name to save it as, never cached, never sniffed.
 */
export function csvDownload(body: BodyInit, fileName: string): Response {
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
