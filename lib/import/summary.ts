import type { ImportSummary, Problem } from './import-file';
import { formatCount } from './progress';
import { describePosition, type SourceFormat } from './read-envelopes';

/** The exit codes `npm run import` documents in its --help. */
export const EXIT = {
  /** Every event was accepted or was already stored. */
  ok: 0,
  /** Fatal: bad arguments, file missing or unreadable, broken JSON array, token refused, server unreachable, database unavailable. */
  fatal: 1,
  /** Some lines were malformed or rejected; everything else was imported. */
  someRejected: 2,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM. */
  interrupted: 130,
} as const;

export function exitCodeOf(summary: ImportSummary): number {
  if (summary.stopped?.reason === 'interrupted') return EXIT.interrupted;
  if (summary.stopped) return EXIT.fatal;
  return summary.rejected + summary.malformed > 0 ? EXIT.someRejected : EXIT.ok;
}

/**
 * The summary printed at the end, e.g.
 *
 *     imported events.ndjson.gz (NDJSON, gzip) into /srv/data/dashboard.db
 *       accepted:   239
 *       duplicates: 11
 *       rejected:   1
 *       malformed:  2
 *     problems (first 3 of 3):
 *       line 3: malformed JSON: Unexpected token 'o', "not json" is not valid JSON
 *       …
 *     250 events in 1.2 s (208 events/s)
 */
export function formatSummary(summary: ImportSummary): string {
  const kind = `${summary.format === 'ndjson' ? 'NDJSON' : 'JSON array'}${summary.gzip ? ', gzip' : ''}`;
  const verb = summary.stopped === null ? 'imported' : summary.stopped.reason === 'interrupted' ? 'interrupted importing' : 'stopped importing';
  const lines = [
    `${verb} ${summary.file} (${kind}) into ${summary.target}`,
    `  accepted:   ${formatCount(summary.accepted)}`,
    `  duplicates: ${formatCount(summary.duplicates)}`,
    `  rejected:   ${formatCount(summary.rejected)}`,
    `  malformed:  ${formatCount(summary.malformed)}`,
  ];
  const problemCount = summary.rejected + summary.malformed;
  if (summary.problems.length > 0) {
    const shown = summary.problems.length < problemCount ? `first ${summary.problems.length} of ${formatCount(problemCount)}` : `${summary.problems.length}`;
    lines.push(`problems (${shown}):`);
    for (const problem of summary.problems) lines.push(`  ${describeProblem(summary.format, problem)}`);
  }
  if (summary.stopped) {
    lines.push(
      summary.stopped.reason === 'interrupted'
        ? 'interrupted: the rest of the file was not read (run again to finish: events already stored count as duplicates)'
        : `stopped early: ${summary.stopped.message}`,
    );
  }
  const events = summary.accepted + summary.duplicates + summary.rejected;
  const seconds = summary.elapsedMs / 1000;
  lines.push(`${formatCount(events)} events in ${seconds.toFixed(1)} s (${formatCount(seconds > 0 ? events / seconds : 0)} events/s)`);
  return `${lines.join('\n')}\n`;
}

export function describeProblem(format: SourceFormat, problem: Problem): string {
  const where = describePosition(format, problem.position);
  if (problem.kind === 'malformed') return `${where}: ${problem.error}`;
  return `${where}: rejected: ${problem.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`;
}
