/** `npm run demo:clear`: removes the demo data from DATABASE_URL; real events stay, projections are rebuilt. */
import { configOrExit, openDatabaseOrExit } from './config-or-exit';
import { clearDemoData } from '../lib/demo/demo-data';

const { databasePath } = configOrExit();
const db = openDatabaseOrExit(databasePath, { mustExist: true });
const { removedEvents, remainingEvents } = clearDemoData(db);
db.$client.close();
console.log(`removed ${removedEvents.toLocaleString('en')} demo events from ${databasePath}; ${remainingEvents.toLocaleString('en')} events remain`);
