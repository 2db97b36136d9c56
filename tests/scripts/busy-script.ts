/**
 * A script that handles SIGINT while its event loop is busy, as an import parsing a large file or
 * simulate generating a window of events is, and that stops as they do: the work under way
 * finishes, then the script ends by itself. It computes in stretches of half a second, each
 * announced on stderr as it begins, so a test can signal it mid-stretch. tests/scripts/signals.test.ts
 * runs it under the launchers of package.json.
 */
const stretchMs: number = 500;
let stopping = false;
process.on('SIGINT', () => {
  process.stderr.write('busy-script: SIGINT handled\n');
  stopping = true;
});
const work = () => {
  process.stderr.write('busy-script: working\n');
  const until = Date.now() + stretchMs;
  while (Date.now() < until);
  if (stopping) process.stderr.write('busy-script: stopped after the work under way\n');
  else setTimeout(work, 1);
};
work();
