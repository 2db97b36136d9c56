/** `npm run db:migrate`: applies pending migrations from drizzle/ to DATABASE_URL. The server also does this at start. */
import { configOrExit, openDatabaseOrExit } from './config-or-exit';

const { databasePath } = configOrExit();
openDatabaseOrExit(databasePath).$client.close();
console.log(`migrations applied to ${databasePath}`);
