import path from 'node:path';

/**
 * A path given on a script's command line, absolute. npm runs scripts from the package root and
 * says where it was invoked in INIT_CWD: a relative path means relative to there, as the user typed
 * it (`npm run generate -- --out sub/x.ndjson` from another folder wrote under the repository, or
 * failed when it had no such folder).
 */
export function fromInvocation(file: string, env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.INIT_CWD ?? process.cwd(), file);
}
