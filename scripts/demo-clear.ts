/** `npm run demo:clear`: removes the demo data from DATABASE_URL; real events stay, projections are rebuilt. */
import { openDatabase } from '../db/client';
import { configOrExit } from './config-or-exit';
import { clearDemoData } from '../lib/demo/demo-data';

const { databasePath } = configOrExit();
const db = openDatabase(databasePath);
const { removedEvents, remainingEvents } = clearDemoData(db);
db.$client.close();
console.log(`removed ${removedEvents.toLocaleString('en')} demo events from ${databasePath}; ${remainingEvents.toLocaleString('en')} events remain`);
