/** `npm run db:migrate`: applies pending migrations from drizzle/ to DATABASE_URL. The server also does this at start. */
import { openDatabase } from '../db/client';
import { configOrExit } from './config-or-exit';

const { databasePath } = configOrExit();
openDatabase(databasePath).$client.close();
console.log(`migrations applied to ${databasePath}`);
