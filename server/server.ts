/**
 * The DNS socket server: UDP and TCP listeners on every listen address, over one resolver and one request
 * handler, with shared limits and a graceful close.
 *
 * @example
 *   const server = new DnsServer(resolver, { listen: [parseListenAddress('127.0.0.1:5300')] });
 *   const bound = await server.start();   // [{ address: '127.0.0.1', port: 5300 }]
 *   await server.close();
 */
import { setMaxListeners } from 'node:events';
import type { Resolver } from '../resolver/api.js';
import type { Message } from '../resolver/wire/types.js';
import { RequestGate } from './gate.js';
import { DEFAULT_SERVER_LIMITS } from './limits.js';
import type { ServerLimits } from './limits.js';
import { silentLogger } from './logger.js';
import type { Logger } from './logger.js';
import { formatListenAddress } from './listen-address.js';
import type { ListenAddress } from './listen-address.js';
import { UdpListener, type ListenerDeps } from './udp-listener.js';
import { ConnectionCounter, TcpListener } from './tcp-listener.js';
import { LOOPBACK_ONLY } from './admission.js';
import type { ClientPolicy } from './admission.js';

export interface DnsServerOptions {
  listen: ListenAddress[];
  limits?: Partial<ServerLimits>;
  logger?: Logger;
  /** Access control and rate limit; default: loopback clients only, no rate limit. */
  policy?: ClientPolicy;
  onResult?: ListenerDeps['onResult'];
  /** Observer of every answered query, e.g. metrics (server/metrics/instruments.ts). */
  onAnswered?: (protocol: 'udp' | 'tcp', query: Message, response: Message) => void;
}

/** Tries at finding a port free for both UDP and TCP when listening on port 0. */
const PORT_ZERO_ATTEMPTS = 8;

export class DnsServer {
  readonly limits: ServerLimits;
  readonly gate: RequestGate;
  readonly connections = new ConnectionCounter();
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private listeners: Array<UdpListener | TcpListener> = [];
  /** One object shared by all listeners: reconfigure() replaces its resolver and policy in place. */
  private readonly deps: ListenerDeps;

  constructor(resolver: Resolver, private readonly opts: DnsServerOptions) {
    this.limits = { ...DEFAULT_SERVER_LIMITS, ...opts.limits };
    this.gate = new RequestGate(this.limits.maxConcurrentRequests, this.limits.maxRequestsPerClient);
    this.logger = opts.logger ?? silentLogger;
    // Every request in flight listens on this one signal (several listeners each, transport included).
    setMaxListeners(4 * this.limits.maxConcurrentRequests + 16, this.abort.signal);
    this.deps = { resolver, policy: opts.policy ?? LOOPBACK_ONLY(), gate: this.gate, logger: this.logger, signal: this.abort.signal };
    if (opts.onResult) this.deps.onResult = opts.onResult;
    if (opts.onAnswered) this.deps.onAnswered = opts.onAnswered;
  }

  get policy(): ClientPolicy {
    return this.deps.policy;
  }

  /**
   * Reload: later queries use the new resolver and/or policy; queries in flight finish on the old resolver.
   * Listen addresses and limits are fixed for the life of the server.
   */
  reconfigure(next: { resolver?: Resolver; policy?: ClientPolicy }): void {
    if (next.resolver) this.deps.resolver = next.resolver;
    if (next.policy) this.deps.policy = next.policy;
  }

  /**
   * Binds UDP and TCP on every address. With port 0 the UDP port is picked first and TCP binds the same one.
   * Returns the bound addresses; on any failure, closes what was opened and rethrows.
   */
  async start(): Promise<ListenAddress[]> {
    const deps = this.deps;
    const bound: ListenAddress[] = [];
    try {
      for (const where of this.opts.listen) {
        const got = await this.bindPair(where, deps);
        bound.push(got);
        this.logger.info({ listen: formatListenAddress(got) }, 'listening on UDP and TCP');
      }
    } catch (err) {
      await this.closeListeners();
      throw err;
    }
    return bound;
  }

  /**
   * UDP then TCP on the same port. With port 0 the kernel's UDP pick may already be taken for TCP (an outgoing
   * connection's ephemeral port, say): then both are released and another pair is tried, a few times.
   */
  private async bindPair(where: ListenAddress, deps: ListenerDeps): Promise<ListenAddress> {
    for (let attempt = 1; ; attempt++) {
      const udp = new UdpListener(where, deps, this.limits);
      this.listeners.push(udp);
      const got = await udp.start();
      const tcp = new TcpListener({ address: where.address, port: got.port }, deps, this.limits, this.connections);
      this.listeners.push(tcp);
      try {
        await tcp.start();
        return got;
      } catch (err) {
        if (where.port !== 0 || attempt >= PORT_ZERO_ATTEMPTS) throw err;
        this.listeners = this.listeners.filter((l) => l !== udp && l !== tcp);
        await Promise.all([udp.close(), tcp.close()]);
      }
    }
  }

  /** Stops taking queries and TCP connections, waits up to closeGraceMs for those in flight, then cancels them and closes sockets. */
  async close(): Promise<void> {
    this.gate.closing = true;
    // No new TCP connections while the queries in flight drain (UDP queries are refused by the gate).
    for (const l of this.listeners) if (l instanceof TcpListener) void l.stopAccepting();
    await this.gate.idle(this.limits.closeGraceMs);
    this.abort.abort();
    await this.closeListeners();
    this.logger.info({ dropped: this.gate.dropped, refusedConnections: this.connections.refused }, 'server closed');
  }

  private async closeListeners(): Promise<void> {
    const listeners = this.listeners;
    this.listeners = [];
    await Promise.all(listeners.map((l) => l.close()));
  }
}
