/**
 * The TCP front end (RFC 7766): accepts connections up to maxTcpConnections in all and
 * maxTcpConnectionsPerClient per client, and hands each to a TcpConnection (framing, pipelining, timeouts).
 */
import net from 'node:net';
import { TcpConnection } from './tcp-connection.js';
import { clientKey } from './client-key.js';
import type { ListenerDeps } from './udp-listener.js';
import type { ServerLimits } from './limits.js';
import { ServerError, formatListenAddress } from './listen-address.js';
import type { ListenAddress } from './listen-address.js';

/** Shared across TCP listeners so the connection cap holds for the whole server. */
export class ConnectionCounter {
  open = 0;
  refused = 0;
  /** Open connections per client key; entries removed at zero. */
  readonly perClient = new Map<string, number>();
}

export class TcpListener {
  private server: net.Server | undefined;
  private readonly connections = new Set<net.Socket>();

  constructor(
    private readonly where: ListenAddress,
    private readonly deps: ListenerDeps,
    private readonly limits: ServerLimits,
    private readonly counter: ConnectionCounter,
  ) {}

  async start(): Promise<ListenAddress> {
    const server = net.createServer((conn) => this.onConnection(conn));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new ServerError('LISTEN_FAILED', `TCP ${formatListenAddress(this.where)}: ${err.message}`)));
      server.listen({ host: this.where.address, port: this.where.port, ipv6Only: net.isIPv6(this.where.address) }, () => resolve());
    });
    server.on('error', (err) => this.deps.logger.warn({ err: err.message }, 'TCP server error'));
    const a = server.address() as net.AddressInfo;
    return { address: a.address, port: a.port };
  }

  private onConnection(conn: net.Socket): void {
    // Dropped clients get no connection at all; refused ones get REFUSED per query (TcpConnection).
    if (this.deps.policy.acl.decide(conn.remoteAddress ?? '') === 'drop') {
      conn.destroy();
      return;
    }
    const client = clientKey(conn.remoteAddress, this.limits);
    const mine = this.counter.perClient.get(client) ?? 0;
    if (this.deps.signal.aborted || this.counter.open >= this.limits.maxTcpConnections || mine >= this.limits.maxTcpConnectionsPerClient) {
      this.counter.refused++;
      this.deps.logger.debug({ client: conn.remoteAddress }, 'TCP connection limit reached: closed');
      conn.destroy();
      return;
    }
    this.counter.open++;
    this.counter.perClient.set(client, mine + 1);
    this.connections.add(conn);
    conn.on('close', () => {
      this.counter.open--;
      const left = (this.counter.perClient.get(client) ?? 1) - 1;
      if (left <= 0) this.counter.perClient.delete(client); else this.counter.perClient.set(client, left);
      this.connections.delete(conn);
    });
    conn.on('error', () => conn.destroy());
    new TcpConnection(conn, client, this.deps, this.limits);
  }

  private closed: Promise<void> | undefined;

  /** Stops accepting connections (SIGTERM drain); open connections keep being served. */
  stopAccepting(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) this.closed = new Promise<void>((resolve) => server.close(() => resolve()));
    return this.closed ?? Promise.resolve();
  }

  /** Stops accepting, ends idle connections and closes the listener. */
  async close(): Promise<void> {
    const closed = this.stopAccepting();
    for (const conn of this.connections) conn.end();
    // Connections that do not finish their goodbye promptly are cut.
    const timer = setTimeout(() => { for (const conn of this.connections) conn.destroy(); }, 500);
    await closed;
    clearTimeout(timer);
  }
}
