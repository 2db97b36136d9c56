/** `npm run import -- FILE [--url URL [--token TOKEN]] [--batch N]`: see `npm run import -- --help` (lib/import/cli.ts). */
import { main } from '../lib/import/cli';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
