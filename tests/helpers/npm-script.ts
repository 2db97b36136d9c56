import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server';

export type ScriptCommand = { command: string; args: string[]; env: Record<string, string> };

/**
 * The command `npm run NAME` ends with, read from package.json, to spawn without npm and the shell
 * in between: signals then reach the script itself, as a terminal's Ctrl-C does. Tests run scripts
 * through this rather than a launcher of their own, so they run what users run (a launcher that
 * relays signals once hid a SIGKILL, see tests/scripts/signals.test.ts).
 *
 * `script` replaces the script file (for a test's own script under the same launcher).
 */
export function npmScript(name: string, args: string[] = [], script?: string): ScriptCommand {
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const line = scripts[name];
  if (!line) throw new Error(`package.json has no script "${name}"`);
  // The last command of the line (the ones before prepare, e.g. scripts/ensure-install.mjs).
  const words = line.split('&&').at(-1)!.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_]+=/.test(words[0]!)) {
    const [key, ...value] = words.shift()!.split('=');
    env[key!] = value.join('=');
  }
  const [program, ...rest] = words;
  if (script !== undefined) {
    const file = rest.findIndex((word) => word.startsWith('scripts/'));
    if (file < 0) throw new Error(`"${name}" runs no file under scripts/: ${line}`);
    rest[file] = script;
  }
  const command = program === 'node' ? process.execPath : path.join(ROOT, 'node_modules', '.bin', program!);
  return { command, args: [...rest, ...args], env };
}
