import fs from 'node:fs';
import { openDatabase, type Db } from '../db/client';
import { config, ConfigError, type Config } from '../lib/config';

/**
 * The configuration, for a command-line script: a wrong variable ends the script with its message
 * (naming the variable) and exit code 1, not a stack trace around it.
 */
export function configOrExit(): Config {
  try {
    return config();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/**
 * The database of DATABASE_URL, opened (migrations applied), for a command-line script: one that
 * cannot be opened (a folder in its place, a file that is no database, no right to write) ends the
 * script with a message naming the variable and the path, exit 1, where it printed SQLite's stack
 * trace. `mustExist`: a script that works on stored data (reproject, demo:clear, compact) says
 * there is none rather than create an empty database at a mistyped path and report success.
 */
export function openDatabaseOrExit(databasePath: string, { mustExist = false } = {}): Db {
  if (mustExist) databaseMustExist(databasePath);
  try {
    return openDatabase(databasePath);
  } catch (error) {
    console.error(`error: cannot open the database at ${databasePath} (DATABASE_URL): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** Ends the script (exit 1) when there is no database at DATABASE_URL's path, before anything looks at it. */
export function databaseMustExist(databasePath: string): void {
  if (fs.existsSync(databasePath)) return;
  console.error(`error: no database at ${databasePath} (DATABASE_URL): nothing to do`);
  process.exit(1);
}
