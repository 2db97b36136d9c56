import http from 'node:http';
import type net from 'node:net';

/**
 * What the proxy does with the next request that arrives:
 * - `respond`: answers itself; the dashboard never sees the request;
 * - `forward-then-respond`: passes the request to the dashboard (which stores the event), then
 *   answers with its own status instead, as when an answer is lost on the way back;
 * - `drop`: closes the connection without answering (a network error).
 * Requests with no fault planned pass through unchanged.
 */
export type Fault =
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'forward-then-respond'; status: number; body?: string }
  | { kind: 'drop' };

export type SeenRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status the app received, or 'dropped'. */
  answered: number | 'dropped';
  /** What the dashboard answered, when the request reached it. */
  dashboard?: { status: number; body: string };
};

/** A small HTTP proxy on localhost between the app's runtime and the dashboard, with faults on demand. */
export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private faults: Fault[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  url = '';

  constructor(private readonly target: string) {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    return this;
  }

  /** Forgets what was seen and plans the faults for the next requests, in order. */
  reset(...faults: Fault[]): void {
    this.seen.length = 0;
    this.faults = faults;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const seen: SeenRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered: 0 };
    this.seen.push(seen);
    const fault = this.faults.shift();

    if (fault?.kind === 'drop') {
      seen.answered = 'dropped';
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'respond') {
      seen.answered = fault.status;
      response.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body ?? '{"error":"injected"}');
      return;
    }
    const upstream = await fetch(`${this.target}${seen.path}`, {
      method: seen.method,
      headers: { authorization: String(request.headers.authorization ?? ''), 'content-type': String(request.headers['content-type'] ?? '') },
      body: seen.body,
    });
    seen.dashboard = { status: upstream.status, body: await upstream.text() };
    if (fault?.kind === 'forward-then-respond') {
      seen.answered = fault.status;
      response.writeHead(fault.status, { 'content-type': 'application/json' }).end(fault.body ?? '{"error":"injected after forwarding"}');
      return;
    }
    seen.answered = upstream.status;
    const headers: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? 'application/json' };
    const retryAfter = upstream.headers.get('retry-after');
    if (retryAfter) headers['retry-after'] = retryAfter;
    response.writeHead(upstream.status, headers).end(seen.dashboard.body);
  }
}
