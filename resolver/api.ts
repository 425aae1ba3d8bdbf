/**
 * The resolver's public shape: what every front end (DNS socket, CLI, HTTP later) and the DANE helpers call.
 * Implemented by resolver/resolve.ts; the cache (next wave) wraps the same interface.
 */
import type { Name } from './wire/name.js';
import type { RR } from './wire/types.js';
import type { Verdict } from './dnssec/verdict.js';
import type { Clock } from './clock.js';
import type { Transport } from './transport/transport.js';
import type { ValidationPolicy } from './dnssec/policy.js';
import type { WorkLimits } from './dnssec/budget.js';
import type { TrustRank } from './iterator/scrub.js';

/** The result of one resolution: data, rcode and the DNSSEC verdict of the whole chain. */
export interface ResolveResult {
  qname: Name;
  qtype: number;
  rcode: number;
  /** Answer section in chain order (CNAME/DNAME links first), with their RRSIGs. */
  answer: RR[];
  /** Authority section: SOA and denial proofs (NSEC/NSEC3) with RRSIGs, for negative answers. */
  authority: RR[];
  /** secure | insecure | bogus | indeterminate, reason, EDE (RFC 8914). */
  verdict: Verdict;
  /**
   * Seconds the result may be reused: the lowest TTL of the records returned, already capped by RFC 4035 §5.3.3
   * (RRSIG Original TTL, time left before signature expiry) for validated data and by the SOA MINIMUM for
   * negative answers (RFC 2308 §5); TTLs with the top bit set count as 0 (RFC 2181 §8). 0 for failures.
   */
  ttl?: number;
  /** RFC 2181 §5.4.1 rank of the weakest data the result is made of (for a cache: never replace better data). */
  rank?: TrustRank;
  /** What the request cost upstream. */
  stats?: ResolveStats;
}

export interface ResolveStats {
  /** Queries sent upstream for this request (sub-resolutions, DNSKEY/DS fetches included; a TCP retry after TC is part of its query). */
  upstreamQueries: number;
  /** Identical queries already in flight (for this or another client) that this request waited for instead of sending. */
  joinedQueries: number;
}

export interface ResolveOptions {
  /** RFC 4035 §3.2.2 Checking Disabled: return data without validating (verdict is then indeterminate-free 'insecure'-like, see resolve.ts). */
  cd?: boolean;
  signal?: AbortSignal;
}

export interface Resolver {
  resolve(name: Name, type: number, opts?: ResolveOptions): Promise<ResolveResult>;
  /** TLSA at `_port._proto.host` (RFC 6698 §3). */
  resolveTLSA(host: Name | string, port: number, proto?: string, opts?: ResolveOptions): Promise<ResolveResult>;
  close(): Promise<void>;
}

/** A root hint or delegation target: a server name and its addresses. */
export interface ServerHint {
  name: Name;
  addresses: string[];
  /** Port of these addresses (default 53; glue from a delegation never carries one). */
  port?: number;
}

export interface ResolverConfig {
  /** Root server names and addresses (named.root). */
  rootHints: ServerHint[];
  /** True when rootHints are the built-in public ones: then loopback/private targets are refused. */
  builtinHints: boolean;
  /** Trust anchors as DS and/or DNSKEY RRs, any owners (root and private zones). */
  trustAnchors: RR[];
  /** RFC 9156 QNAME minimisation (default true). */
  qnameMinimisation: boolean;
  /** Query IPv6 server addresses (default true). */
  doIp6: boolean;
  /** Query IPv4 server addresses (default true; no = an IPv6-only host, Unbound's do-ip4). */
  doIp4?: boolean;
  /**
   * Use only in-bailiwick glue (default true, Unbound's harden-glue). False also takes A/AAAA glue for an NS name
   * outside the delegating zone as that delegation's server addresses (never as answers, never cached as data).
   */
  hardenGlue?: boolean;
  /** 0x20 QNAME case randomisation on upstream queries, with a per-server fallback (default true). */
  qnameCaseRandomisation?: boolean;
  transport: Transport;
  clock: Clock;
  policy: ValidationPolicy;
  workLimits: WorkLimits;
  limits: ResolutionLimits;
}

/** Named limits for one client request (documented in README "Limits"). */
export interface ResolutionLimits {
  /** Referrals followed from the root to the answer. */
  maxReferralDepth: number;
  /** CNAME/DNAME links followed. */
  maxCnameChain: number;
  /** Upstream queries sent for one client request, sub-resolutions included. */
  maxUpstreamQueries: number;
  /** Per-try upstream timeout; doubled on each retry to the same server, up to maxTimeoutMs. */
  initialTimeoutMs: number;
  maxTimeoutMs: number;
  /** Wall-clock cap for one client request. */
  requestTimeoutMs: number;
  /** Nesting of NS-name sub-resolutions (glueless delegations). */
  maxGluelessDepth: number;
}
