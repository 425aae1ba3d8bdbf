/**
 * The TCP front end (RFC 7766): length-framed queries, several in flight per connection (answered in any
 * order, RFC 7766 §6.2.1.1), an idle timeout (§6.2.3), and a cap on connections.
 */
import net from 'node:net';
import { FrameReader, frame } from '../resolver/transport/tcp.js';
import { answerWire, turnAway } from './wire.js';
import type { ListenerDeps } from './udp-listener.js';
import type { ServerLimits } from './limits.js';
import { ServerError, formatListenAddress } from './listen-address.js';
import type { ListenAddress } from './listen-address.js';

/** Shared across TCP listeners so the connection cap holds for the whole server. */
export class ConnectionCounter {
  open = 0;
  refused = 0;
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
    // Dropped clients get no connection at all; refused ones get REFUSED per query (below).
    if (this.deps.policy.acl.decide(conn.remoteAddress ?? '') === 'drop') {
      conn.destroy();
      return;
    }
    if (this.deps.signal.aborted || this.counter.open >= this.limits.maxTcpConnections) {
      this.counter.refused++;
      this.deps.logger.debug({ client: conn.remoteAddress }, 'TCP connection limit reached: closed');
      conn.destroy();
      return;
    }
    this.counter.open++;
    this.connections.add(conn);
    conn.on('close', () => { this.counter.open--; this.connections.delete(conn); });
    conn.on('error', () => conn.destroy());
    const reader = new FrameReader();
    let pending = 0;
    conn.setTimeout(this.limits.tcpIdleTimeoutMs, () => { if (pending === 0) conn.destroy(); });
    conn.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let query = reader.take(); query; query = reader.take()) {
        pending++;
        // Back-pressure: stop reading while this client has as many queries in flight as allowed.
        if (pending >= this.limits.maxPipelinedPerConnection) conn.pause();
        this.answer(conn, query).finally(() => {
          pending--;
          if (pending < this.limits.maxPipelinedPerConnection && !conn.destroyed) conn.resume();
        });
      }
    });
  }

  private async answer(conn: net.Socket, query: Uint8Array): Promise<void> {
    const { gate, logger } = this.deps;
    const client = conn.remoteAddress ?? '';
    const admission = this.deps.policy.admit(client, 'tcp');
    if (admission !== 'answer') {
      logger.debug({ client, admission }, 'TCP query turned away');
      const reply = admission === 'drop' ? undefined : turnAway(query, admission, 'tcp');
      if (reply && !conn.destroyed && conn.writable) conn.write(frame(reply));
      else conn.destroy();
      return;
    }
    if (!gate.tryEnter()) {
      logger.debug({ client: conn.remoteAddress }, 'request limit reached: TCP query dropped');
      return;
    }
    try {
      const onResult = this.deps.onResult?.(client, 'tcp');
      const reply = await answerWire(query, this.deps.resolver, {
        protocol: 'tcp',
        signal: this.deps.signal,
        ...(onResult ? { onResult } : {}),
        onError: (err, q) => logger.error({ err: (err as Error)?.message, qname: q.name.toString(), qtype: q.type }, 'resolver failed'),
      });
      if (reply && !conn.destroyed && conn.writable) conn.write(frame(reply));
    } catch (err) {
      logger.error({ err: (err as Error)?.message }, 'TCP request failed');
    } finally {
      gate.leave();
    }
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
