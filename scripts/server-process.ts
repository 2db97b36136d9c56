/** Starting and stopping the servers the bench and the tests run as child processes. */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the OS picks it), for servers the bench and the tests start. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits up to 60 s for `GET /api/health` to answer 200 (or, with `requireHealthy: false`, to
 * answer at all); fails at once, with the server's output, if the process exits first.
 */
export async function waitForHealth(url: string, child: ChildProcess, output: () => string, options: { requireHealthy?: boolean } = {}): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/api/health`);
      await response.arrayBuffer();
      if (response.status === 200 || options.requireHealthy === false) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not answer GET /api/health${options.requireHealthy === false ? '' : ' with 200'} within 60 s:\n${output()}`);
}

/** SIGTERM, then SIGKILL after `killAfterMs` (a server writing a --cpu-prof profile needs a moment). */
export async function stopProcess(child: ChildProcess, killAfterMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}
