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
