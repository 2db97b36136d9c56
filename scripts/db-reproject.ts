/** `npm run db:reproject`: rebuilds every projection table from the raw events in DATABASE_URL. */
import { configOrExit, openDatabaseOrExit } from './config-or-exit';
import { reprojectAll } from '../lib/projection/reproject';

const { databasePath } = configOrExit();
const db = openDatabaseOrExit(databasePath, { mustExist: true });
const started = performance.now();
const summary = reprojectAll(db, {
  onProgress: (done) => process.stderr.isTTY && process.stderr.write(`\rreprojected ${done.toLocaleString('en')} events`),
});
if (process.stderr.isTTY) process.stderr.write('\n');
const seconds = (performance.now() - started) / 1000;
console.log(`reprojected ${summary.projected.toLocaleString('en')} of ${summary.events.toLocaleString('en')} events from ${databasePath} in ${seconds.toFixed(1)} s`);
for (const { eventId, issues } of summary.unreadable.slice(0, 10)) {
  console.log(`  event ${eventId} no longer validates: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
}
db.$client.close();
process.exit(summary.unreadable.length > 0 ? 2 : 0);
