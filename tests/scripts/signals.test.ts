/**
 * Ctrl-C (or a supervisor's SIGINT to the process) reaches the handlers of the long-running scripts
 * even while they compute. `tsx FILE` ran them in a child process and relayed signals to it; when the
 * child did not acknowledge within about 60 ms (its event loop busy), tsx killed it with SIGKILL and
 * exited 130: `npm run simulate` then lost its summary (seen in CI), `npm run import` its resume
 * point and progress. package.json runs them with `node --import tsx`: one process, no relay.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmScript } from '../helpers/npm-script';
import { ROOT } from '../helpers/server';

const BUSY = path.relative(ROOT, path.join(__dirname, 'busy-script.ts'));

function interruptWhileBusy(name: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const run = npmScript(name, [], BUSY);
  const child = spawn(run.command, run.args, { cwd: ROOT, env: { ...process.env, ...run.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
    // Just after a stretch begins: the signal lands while the script computes.
    if (stderr.includes('working') && !child.killed) child.kill('SIGINT');
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('scripts with signal handlers', () => {
  for (const name of ['start', 'import', 'simulate', 'bench']) {
    it(`npm run ${name}: SIGINT reaches the script's handler while its event loop is busy`, async () => {
      const run = await interruptWhileBusy(name);
      expect(run.stderr).toContain('busy-script: SIGINT handled');
      expect(run.stderr).toContain('busy-script: stopped after the work under way');
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
    });
  }
});
