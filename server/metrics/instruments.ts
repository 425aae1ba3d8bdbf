/**
 * daneel's own metrics, and the decorators that feed them without touching the components they watch:
 * - queries answered, by transport (udp, tcp, https), type and rcode: the request handler's `onAnswered` hook;
 * - resolutions by verdict (status, EDE), their duration, and the resolver limits they hit: a `Resolver` that
 *   wraps the `Resolver` (resolver/api.ts);
 * - upstream queries, round-trip time and failures (timeouts included): a `Transport` that wraps the `Transport`;
 * - DANE verdicts of /tlsa and /dane/verify, and front-end limits hit (HTTP 413/503, dropped connections).
 */
import type { ResolveOptions, ResolveResult, Resolver } from '../../resolver/api.js';
import type { Name } from '../../resolver/wire/name.js';
import type { Message } from '../../resolver/wire/types.js';
import { rcodeName, typeName } from '../../resolver/wire/types.js';
import type { QueryOptions, ServerAddress, Transport } from '../../resolver/transport/transport.js';
import { TransportError } from '../../resolver/transport/transport.js';
import type { CounterHandle, HistogramHandle, MetricsRegistry } from './registry.js';

/** Seconds; upstream round trips on a LAN are sub-millisecond, over the Internet tens to hundreds of ms. */
const RTT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds; a validated resolution from cold can take several round trips per zone on the chain. */
const RESOLVE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Verdict check ids (resolver/resolve.ts ResolutionError codes, dnssec/verify.ts V015) that mean a named limit
 * of the README limits table ended the request, and the label they are counted under.
 */
const LIMIT_IDS: Readonly<Record<string, string>> = {
  REFERRAL_DEPTH: 'referrals-followed',
  CNAME_CHAIN: 'cname-links',
  QUERY_BUDGET: 'upstream-queries',
  REQUEST_TIMEOUT: 'request-wall-clock',
  V015: 'signature-verifications',
};

/** Query types worth a label of their own; anything else is counted as `other` to bound label cardinality. */
const LABELLED_TYPES = new Set(['A', 'AAAA', 'CNAME', 'DNSKEY', 'DS', 'MX', 'NS', 'PTR', 'SOA', 'SRV', 'TLSA', 'TXT', 'HTTPS', 'SVCB', 'CAA', 'SMIMEA', 'OPENPGPKEY']);

export interface DaneelMetrics {
  readonly registry: MetricsRegistry;
  /** The request handler's hook (QueryContext.onAnswered): one call per query answered, whatever the transport. */
  onAnswered(protocol: string, query: Message, response: Message): void;
  daneVerdict(endpoint: 'tlsa' | 'verify', verdict: string): void;
  /** One HTTP response: the route pattern (or `unmatched`) and its status code. */
  httpResponse(route: string, status: number): void;
  /** A named limit was hit; `limit` is its README name in kebab-case. */
  limitHit(limit: string): void;
  readonly resolved: CounterHandle;
  readonly resolveSeconds: HistogramHandle;
  readonly upstreamQueries: CounterHandle;
  readonly upstreamFailures: CounterHandle;
  readonly upstreamRtt: HistogramHandle;
}

export function createDaneelMetrics(registry: MetricsRegistry): DaneelMetrics {
  const queries = registry.counter({ name: 'daneel_queries_total', help: 'client queries answered, by transport, query type and response code', labelNames: ['transport', 'qtype', 'rcode'] });
  const dane = registry.counter({ name: 'daneel_dane_verdicts_total', help: 'DANE verdicts given by the HTTP API', labelNames: ['endpoint', 'verdict'] });
  const http = registry.counter({ name: 'daneel_http_responses_total', help: 'HTTP responses by route and status code', labelNames: ['route', 'code'] });
  const limits = registry.counter({ name: 'daneel_limits_hit_total', help: 'requests ended by a named limit (README limits table)', labelNames: ['limit'] });
  return {
    registry,
    onAnswered(protocol, query, response) {
      const q = query.question[0];
      const t = q ? typeName(q.type) : 'none';
      queries.inc({ transport: protocol, qtype: LABELLED_TYPES.has(t) ? t : 'other', rcode: rcodeName(response.rcode) });
    },
    daneVerdict: (endpoint, verdict) => dane.inc({ endpoint, verdict }),
    limitHit: (limit) => limits.inc({ limit }),
    httpResponse: (route, status) => http.inc({ route, code: String(status) }),
    resolved: registry.counter({ name: 'daneel_resolutions_total', help: 'resolutions by DNSSEC verdict and EDE code (validation outcomes)', labelNames: ['status', 'ede'] }),
    resolveSeconds: registry.histogram({ name: 'daneel_resolution_duration_seconds', help: 'time to resolve and validate one question', labelNames: ['status'], buckets: RESOLVE_BUCKETS }),
    upstreamQueries: registry.counter({ name: 'daneel_upstream_queries_total', help: 'queries sent to authoritative servers', labelNames: ['protocol'] }),
    upstreamFailures: registry.counter({ name: 'daneel_upstream_failures_total', help: 'upstream queries without a reply, by TransportError code (TIMEOUT, REFUSED, NETWORK, ...)', labelNames: ['protocol', 'code'] }),
    upstreamRtt: registry.histogram({ name: 'daneel_upstream_rtt_seconds', help: 'round-trip time of answered upstream queries', labelNames: ['protocol'], buckets: RTT_BUCKETS }),
  };
}

/** A monotonic clock in milliseconds (injected so tests can fix it). */
export type MonotonicMs = () => number;
const performanceNow: MonotonicMs = () => performance.now();

/** The Transport, counting each query, its RTT and its failures. */
export function instrumentTransport(inner: Transport, m: DaneelMetrics, now: MonotonicMs = performanceNow): Transport {
  return {
    async query(server: ServerAddress, query: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
      const protocol = opts.tcp ? 'tcp' : 'udp';
      m.upstreamQueries.inc({ protocol });
      const start = now();
      try {
        const reply = await inner.query(server, query, opts);
        m.upstreamRtt.observe((now() - start) / 1000, { protocol });
        return reply;
      } catch (err) {
        m.upstreamFailures.inc({ protocol, code: err instanceof TransportError ? err.code : 'OTHER' });
        throw err;
      }
    },
    close: () => inner.close(),
  };
}

/** The Resolver, counting verdicts, durations and the limits that ended requests. */
export function instrumentResolver(inner: Resolver, m: DaneelMetrics, now: MonotonicMs = performanceNow): Resolver {
  const observe = (result: ResolveResult, start: number): ResolveResult => {
    const v = result.verdict;
    m.resolved.inc({ status: v.status, ede: v.ede === undefined ? 'none' : String(v.ede) });
    m.resolveSeconds.observe((now() - start) / 1000, { status: v.status });
    const limit = v.id !== undefined ? LIMIT_IDS[v.id] : undefined;
    if (limit) m.limitHit(limit);
    return result;
  };
  return {
    async resolve(name: Name, type: number, opts?: ResolveOptions) {
      const start = now();
      return observe(await inner.resolve(name, type, opts), start);
    },
    async resolveTLSA(host: Name | string, port: number, proto?: string, opts?: ResolveOptions) {
      const start = now();
      return observe(await inner.resolveTLSA(host, port, proto, opts), start);
    },
    close: () => inner.close(),
  };
}

/** The DNS socket server's own counts (requests dropped at the gate, TCP connections refused), read at scrape. */
export function registerSocketStats(registry: MetricsRegistry, server: { gate: { dropped: number; inFlight: number }; connections: { open: number; refused: number } }): void {
  registry.fromStats({ name: 'daneel_socket_queries_dropped_total', help: 'DNS socket queries dropped at maxConcurrentRequests', kind: 'counter' }, () => server.gate.dropped);
  registry.fromStats({ name: 'daneel_socket_tcp_refused_total', help: 'DNS TCP connections closed at maxTcpConnections', kind: 'counter' }, () => server.connections.refused);
  registry.fromStats({ name: 'daneel_socket_requests_in_flight', help: 'DNS socket requests being resolved', kind: 'gauge' }, () => server.gate.inFlight);
  registry.fromStats({ name: 'daneel_socket_tcp_connections', help: 'open DNS TCP connections', kind: 'gauge' }, () => server.connections.open);
}
