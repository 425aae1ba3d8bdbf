/**
 * A running `daneel serve`: the resolver stack, the DNS server and the logger, built from DaneelOptions, with
 * reload (SIGHUP) and stop (SIGTERM) as methods so that tests and the signal handlers share one code path.
 *
 * Reload re-reads the configuration file (the command-line flags still override it), and applies what it can
 * to the long-lived parts without rebuilding them: a new iterative resolver (hints, anchors, switches, limits)
 * is swapped in under the same front (SwappableResolver), so layers above it — the answer cache when present —
 * keep their contents; the client policy (ACL, rate limit) and the log level and query log are replaced.
 * Components that need the new options register a ReloadHook. A configuration that fails validation, or whose
 * hint or anchor files cannot be read, is refused with a log line and the running one stays.
 * Listen addresses and server limits need a restart (as in Unbound and Knot Resolver): a change is logged.
 */
import { rootAnchorKeyTags, SentinelResolver } from '../../resolver/sentinel.js';
import type { Logger as PinoLogger } from 'pino';
import { createRoutedResolver } from '../../resolver/forward/index.js';
import { forwardingFromOptions } from '../forwarding.js';
import { SwappableResolver } from '../../resolver/swappable.js';
import { DnsServer } from '../../server/server.js';
import { ClientPolicy } from '../../server/admission.js';
import { formatListenAddress } from '../../server/listen-address.js';
import type { ListenAddress } from '../../server/listen-address.js';
import type { Resolver } from '../../resolver/api.js';
import { NO_ANCHOR_WARNING, resolverConfig } from '../config.js';
import { buildOptions } from '../options/options.js';
import type { DaneelOptions } from '../options/options.js';
import { queryObserver } from './query-log.js';
import { CachingResolver } from '../../cache/caching-resolver.js';
import { cacheOptionsFrom, registerCacheStats } from './cache-options.js';
import { systemClock } from '../../resolver/clock.js';
import { httpTls, startHttp } from './http.js';
import { createMetricsRegistry } from '../../server/metrics/registry.js';
import { createDaneelMetrics, instrumentResolver, instrumentTransport, registerSocketStats } from '../../server/metrics/instruments.js';
import type { DaneelMetrics } from '../../server/metrics/instruments.js';

/** A long-lived component told about a new configuration on reload (after validation), keeping its state. */
export type ReloadHook = (options: DaneelOptions) => void;

export type ReloadOutcome = { ok: true; changed: string[] } | { ok: false; error: string };

function makeResolver(options: DaneelOptions, logger: PinoLogger, metrics: DaneelMetrics): { resolver: Resolver; anchors: number; rootKeyTags: Set<number>; builtinHints: boolean } {
  const config = resolverConfig(options);
  // Upstream queries, RTT and failures are counted by wrapping the transport (server/metrics/instruments.ts);
  // forwarded queries go over the forwarder's own DoT/DoH transports and are not counted there.
  const forwarding = forwardingFromOptions(options.forwardZones, options.forwardCa);
  // With `.` forwarded nothing is iterated, so the built-in hints are never used.
  const iterates = !forwarding.table.zones().some((z) => z.zone.isRoot);
  return { resolver: createRoutedResolver({ ...config, transport: instrumentTransport(config.transport, metrics), logger }, forwarding), anchors: config.trustAnchors.length, rootKeyTags: rootAnchorKeyTags(config.trustAnchors), builtinHints: config.builtinHints && iterates };
}

function makePolicy(options: DaneelOptions, logger: PinoLogger): ClientPolicy {
  const policy = new ClientPolicy(options.accessControl, options.rateLimit);
  for (const open of policy.acl.openPrefixes()) {
    logger.warn({ prefix: open }, 'access-control allows every address of a family: this is an open resolver (RFC 5358)');
  }
  return policy;
}

const sameList = (a: ListenAddress[], b: ListenAddress[]): boolean =>
  a.map(formatListenAddress).join(',') === b.map(formatListenAddress).join(',');

export class ServeRuntime {
  private readonly hooks: ReloadHook[] = [];
  private readonly resolverHooks: Array<(made: ReturnType<typeof makeResolver>) => void> = [];

  private constructor(
    public options: DaneelOptions,
    private readonly flags: Record<string, unknown>,
    readonly logger: PinoLogger,
    readonly front: SwappableResolver,
    readonly server: DnsServer,
    readonly bound: ListenAddress[],
    readonly cache: CachingResolver,
    readonly metrics: DaneelMetrics,
    private readonly stopHttp: () => Promise<void>,
  ) {}

  /** Builds everything and binds the listeners. Throws UsageError/ConfigError (exit 64) or ServerError (exit 1). */
  static async start(options: DaneelOptions, flags: Record<string, unknown>, logger: PinoLogger): Promise<ServeRuntime> {
    const cacheOptions = cacheOptionsFrom(options);
    const metrics = createDaneelMetrics(createMetricsRegistry());
    const made = makeResolver(options, logger, metrics);
    if (made.builtinHints) logger.warn({}, 'no --root-hints: using the built-in IANA root servers (public Internet)');
    if (made.anchors === 0) logger.warn({}, NO_ANCHOR_WARNING);
    const front = new SwappableResolver(made.resolver);
    // Every client question goes through the answer cache (cache/), above the swappable resolver so a reload
    // keeps its contents; keep-warm starts once the listeners are up. Front ends resolve through the counted
    // cache (verdicts and limits hit); the DNS sockets also get the cache's wire fast path.
    const cache = new CachingResolver(front, cacheOptions, { clock: systemClock, logger });
    registerCacheStats(metrics.registry, cache);
    // RFC 8509 sentinel questions are answered above the cache, so a reload's new anchors apply at once.
    const sentinel = new SentinelResolver(cache, made.rootKeyTags);
    const counted = { ...instrumentResolver(sentinel, metrics), wireFastPath: cache.wireFastPath };
    let current = options;
    const server = new DnsServer(counted, {
      listen: options.listen,
      limits: options.limits.server,
      logger,
      policy: makePolicy(options, logger),
      onResult: queryObserver(logger, () => current.log.queryLog),
      onAnswered: (protocol, q, r) => metrics.onAnswered(protocol, q, r),
    });
    registerSocketStats(metrics.registry, server);
    let bound: ListenAddress[];
    let stopHttp: () => Promise<void>;
    try {
      httpTls(options.http); // a bad TLS setting is refused before any socket opens
      bound = await server.start();
      stopHttp = await startHttp(counted, metrics, options.http, () => server.policy, logger);
    } catch (err) {
      await server.close();
      await cache.close();
      throw err;
    }
    cache.start();
    const runtime = new ServeRuntime(options, flags, logger, front, server, bound, cache, metrics, stopHttp);
    runtime.onReload((o) => { current = o; });
    runtime.onResolver((m) => { sentinel.rootKeyTags = m.rootKeyTags; });
    runtime.onReload((o) => {
      if (JSON.stringify([o.cache, o.keepWarm]) !== JSON.stringify([options.cache, options.keepWarm])) {
        logger.warn({}, 'cache and keep-warm settings changed: they take effect on restart');
      }
    });
    logger.info({ anchors: made.anchors, listen: bound.map(formatListenAddress), config: options.configFile, keepWarm: cache.keepWarm.names() }, 'daneel serving');
    return runtime;
  }

  onReload(hook: ReloadHook): void {
    this.hooks.push(hook);
  }

  /** Called with each resolver a reload makes, before it takes questions. */
  private onResolver(hook: (made: ReturnType<typeof makeResolver>) => void): void {
    this.resolverHooks.push(hook);
  }

  /** SIGHUP: re-reads the file and applies it; on any error keeps the running configuration. */
  reload(): ReloadOutcome {
    let next: DaneelOptions;
    let made: ReturnType<typeof makeResolver>;
    let policy: ClientPolicy;
    try {
      next = buildOptions(this.options.configFile, this.flags);
      made = makeResolver(next, this.logger, this.metrics);
      policy = makePolicy(next, this.logger);
    } catch (err) {
      const error = (err as Error).message;
      this.logger.error({ config: this.options.configFile, error }, 'configuration reload refused; the running configuration stays');
      return { ok: false, error };
    }
    const old = this.options;
    if (!sameList(old.listen, next.listen) || !sameList(old.http.listen, next.http.listen)) {
      this.logger.warn({}, 'listen addresses changed: they take effect on restart');
    }
    if (JSON.stringify(old.limits.server) !== JSON.stringify(next.limits.server)) {
      this.logger.warn({}, 'server limits changed: they take effect on restart');
    }
    next = { ...next, listen: old.listen, http: { ...next.http, listen: old.http.listen }, limits: { ...next.limits, server: old.limits.server } };
    for (const hook of this.resolverHooks) hook(made);
    this.front.swap(made.resolver);
    this.server.reconfigure({ policy });
    this.logger.level = next.log.level;
    this.options = next;
    for (const hook of this.hooks) hook(next);
    const changed = Object.keys(next).filter((k) => JSON.stringify(next[k as keyof DaneelOptions]) !== JSON.stringify(old[k as keyof DaneelOptions]));
    this.logger.info({ config: next.configFile, changed, anchors: made.anchors }, 'configuration reloaded');
    return { ok: true, changed };
  }

  /** SIGTERM: stops taking queries, lets those in flight finish (up to limits.close-grace-ms), closes everything. */
  async stop(): Promise<void> {
    await Promise.all([this.server.close(), this.stopHttp()]);
    this.logger.info({ cache: this.cache.stats() }, 'cache counters');
    await this.cache.close();
    this.logger.flush();
  }
}
