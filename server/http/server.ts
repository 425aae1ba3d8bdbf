/**
 * The HTTP front end: one fastify application per listen address over one resolver, one metrics registry and
 * one request gate, with a graceful close like the DNS socket server's.
 *
 * @example
 *   const http = new HttpServer(resolver, { listen: [parseListenAddress('127.0.0.1:8053')], metrics });
 *   const bound = await http.start();   // [{ address: '127.0.0.1', port: 8053 }]
 *   await http.close();
 */
import { setMaxListeners } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Resolver } from '../../resolver/api.js';
import type { TrustStore } from '../../dane/pkix.js';
import { RequestGate } from '../gate.js';
import { formatListenAddress, ServerError } from '../listen-address.js';
import type { ListenAddress } from '../listen-address.js';
import { silentLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import type { DaneelMetrics } from '../metrics/instruments.js';
import type { AccessCheck } from './access.js';
import { buildHttpApp } from './app.js';
import type { HttpContext } from './context.js';
import { DEFAULT_HTTP_LIMITS } from './limits.js';
import type { HttpLimits } from './limits.js';

export interface HttpServerOptions {
  listen: ListenAddress[];
  metrics: DaneelMetrics;
  tls?: { key: string | Buffer; cert: string | Buffer };
  access?: AccessCheck;
  limits?: Partial<HttpLimits>;
  logger?: Logger;
  trustStore?: TrustStore;
}

export class HttpServer {
  readonly ctx: HttpContext;
  private readonly abort = new AbortController();
  private apps: FastifyInstance[] = [];

  constructor(resolver: Resolver, private readonly opts: HttpServerOptions) {
    const limits = { ...DEFAULT_HTTP_LIMITS, ...opts.limits };
    // Every request in flight listens for the server's close: up to maxConcurrentRequests listeners, by design.
    setMaxListeners(limits.maxConcurrentRequests + 1, this.abort.signal);
    this.ctx = {
      resolver,
      metrics: opts.metrics,
      limits,
      gate: new RequestGate(limits.maxConcurrentRequests),
      signal: this.abort.signal,
      logger: opts.logger ?? silentLogger,
      ...(opts.trustStore ? { trustStore: opts.trustStore } : {}),
    };
  }

  /** Listens on every address; on any failure closes what was opened and throws a ServerError. */
  async start(): Promise<ListenAddress[]> {
    const bound: ListenAddress[] = [];
    const appOpts = { ...(this.opts.tls ? { tls: this.opts.tls } : {}), ...(this.opts.access ? { access: this.opts.access } : {}) };
    try {
      for (const where of this.opts.listen) {
        const app = await buildHttpApp(this.ctx, appOpts);
        this.apps.push(app);
        try {
          await app.listen({ host: where.address, port: where.port, listenTextResolver: () => '' });
        } catch (err) {
          throw new ServerError('LISTEN_FAILED', `HTTP ${formatListenAddress(where)}: ${(err as Error).message}`);
        }
        const a = app.server.address() as { address: string; port: number };
        bound.push({ address: a.address, port: a.port });
        this.ctx.logger.info({ http: formatListenAddress(bound.at(-1)!), tls: Boolean(this.opts.tls) }, this.opts.tls ? 'listening on HTTPS (HTTP/2 and HTTP/1.1)' : 'listening on HTTP/1.1');
      }
    } catch (err) {
      await this.closeApps();
      throw err;
    }
    return bound;
  }

  /** Stops taking requests, waits up to closeGraceMs for those in flight, then cancels them and closes. */
  async close(): Promise<void> {
    this.ctx.gate.closing = true;
    await this.ctx.gate.idle(this.ctx.limits.closeGraceMs);
    this.abort.abort();
    await this.closeApps();
  }

  private async closeApps(): Promise<void> {
    const apps = this.apps;
    this.apps = [];
    await Promise.all(apps.map((a) => a.close()));
  }
}
