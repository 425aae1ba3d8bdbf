/**
 * The iterative resolver's driver (Knot Resolver's split: the pure steps in resolver/iterator decide what to ask
 * and what a reply means; only this file awaits the Transport and reads the Clock).
 *
 * One client request walks from the closest known zone (the primed root, RFC 8109) down the referrals, keeping
 * each zone's DNSSEC state (RFC 4035 §5), chases CNAME/DNAME links across zones, and ends with a ResolveResult
 * whose verdict is the weakest of its links. Every request has its own WorkBudget, upstream query count,
 * deadline and zone-state map (so DNSKEY sets are fetched once per request); server health is kept across
 * requests. Limits (resolver/limits.ts) end a request with SERVFAIL, a reason and an EDE code.
 *
 * Result conventions: a bogus answer is returned as rcode SERVFAIL with empty sections and the bogus verdict
 * (RFC 4035 §5.5), so bad data never leaves as data; with `cd: true` nothing is validated and the verdict is
 * insecure with the reason "checking disabled"; no reachable server, a limit hit or an internal error give
 * SERVFAIL with an indeterminate verdict whose `id` is the ResolutionError code (or INTERNAL).
 */
import type { ResolveOptions, ResolveResult, ResolveStats, Resolver, ResolverConfig, ServerHint } from './api.js';
import { Name } from './wire/name.js';
import { RCODE, T, type Message, type RR } from './wire/types.js';
import { decodeMessage } from './wire/message.js';
import { buildQuery, DEFAULT_UDP_SIZE, randomId } from './wire/query.js';
import { DNS_PORT, TransportError, type Transport, type Upstream } from './transport/transport.js';
import { TruncationFallback } from './transport/truncation.js';
import { WorkBudget } from './dnssec/budget.js';
import { cappedTtl } from './dnssec/validity.js';
import { decodeRrsig } from './wire/dnssec-rdata.js';
import { bogus, EDE, indeterminate, insecure, type Verdict } from './dnssec/verdict.js';
import type { Delegation } from './dnssec/delegation.js';
import { BogusRetry } from './dnssec/bogus-retry.js';
import type { ZoneKeys } from './dnssec/zone-keys.js';
import { asBogus, ChainOfTrust, type LookupAnswer } from './dnssec/chain.js';
import { CachedKeyStore, KeyCache } from './state/key-cache.js';
import { InteriorNames, ZoneCache } from './state/zone-cache.js';
import { NsAddressBook, NsAddressCache, type FoundAddresses, type GlueContext } from './state/ns-addresses.js';
import { validateResponse } from './dnssec/response.js';
import { scrubResponse, trustOf, weakerRank, type TrustRank } from './iterator/scrub.js';
import { answerTtl, capTtls, normaliseTtls } from './iterator/ttl.js';
import { classifyResponse, type Classified } from './iterator/classify.js';
import type { FollowedChain } from './iterator/chain.js';
import { checkReferral, isUnreachableGlueless, readReferral, type NameServer, type Referral } from './iterator/referral.js';
import { advance, fallBack, usingNsProbes, nextQuestion, skipKnown, startMinimising, type OutgoingQuestion } from './iterator/qname-min.js';
import { chooseAddress, ServerHealth } from './iterator/servers.js';
import { decide } from './iterator/step.js';
import { isAllowedTarget } from './iterator/address-guard.js';
import { replyMismatch } from './iterator/exchange-check.js';
import { QnameCase } from './iterator/qname-case.js';
import { addressOf, rdataName } from './iterator/records.js';
import { ResolutionError } from './resolution-error.js';
import { checkRequest, keepInResult, type LookupStep } from './request-checks.js';
import { anchorsFor, initialState, weakest, type ZoneState } from './iterator/zone-state.js';

/** The pino methods the resolver uses; pass a pino logger (or a child) as `logger`. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ResolverOptions extends ResolverConfig {
  logger?: Logger;
  /** State kept across requests (default: fresh, bounded stores); pass your own to share or inspect them. */
  stores?: Partial<ResolverStores>;
}

/** What the driver remembers between requests; each store is bounded (see resolver/state/). */
export interface ResolverStores {
  /** Validated DNSKEY sets per zone, until their TTL or signature expiry. */
  keys: KeyCache;
  /** Zone cuts with their servers and DNSSEC state (the DS verdict), until the referral's TTLs run out. */
  zones: ZoneCache;
  /** Addresses of glueless NS names. */
  nsAddresses: NsAddressCache;
  /** Names known to lie inside a zone (no cut): QNAME minimisation skips them. */
  interior: InteriorNames;
}

export { ResolutionError };

/** transmit's answer when the reply did not echo the 0x20 QNAME case: never used, asked again with the plain name. */
const CASE_NOT_ECHOED = 'reply did not echo the QNAME case (0x20)';
/** Extra passes over a zone's servers when all of them timed out (a lost datagram is not a dead server). */
const RETRY_ROUNDS = 1;
/**
 * Glueless NS names looked up at once when a zone has no usable address (Unbound's target-fetch-policy sends
 * a few too): enough that one dead name does not hold up the others, few enough to bound the burst.
 */
const GLUELESS_PARALLEL = 3;
/**
 * Glueless NS names found not to exist (NXDOMAIN) in one request, past which no more are looked up: a delegation
 * to many names that do not exist makes a resolver send a query per name (NXNSAttack, CVE-2020-12662). Unbound's
 * MAX_TARGET_NX is the same 5.
 */
export const MAX_GLUELESS_NXDOMAIN = 5;
/** How long a primed root NS set is used before priming again (RFC 8109 §3: re-prime before the TTL ends). */
const MAX_PRIMING_TTL_S = 86400;

interface Request {
  budget: WorkBudget;
  /** Upstream queries this request sent (joined ones excluded). */
  queries: number;
  /** Identical queries already in flight that this request joined instead of sending. */
  joined: number;
  deadlineMs: number;
  signal?: AbortSignal;
  /** Zones entered in this request, keyed by mode (validated or not) and name. */
  zones: Map<string, ZoneState>;
  /** The chain of trust over this request's budget and key store (DNSKEY sets fetched once per request). */
  chain: ChainOfTrust;
  /** Glueless NS lookups of this request (memoised promises) over the shared address cache. */
  ns: NsAddressBook;
  /** In-bailiwick glue seen in this request's referrals, by NS name: a fallback when the child's own address fails. */
  glue: Map<string, string[]>;
  /** Glueless NS names of this request that turned out not to exist (MAX_GLUELESS_NXDOMAIN). */
  gluelessNx: number;
}

/** One name's lookup result: a final answer, or a CNAME/DNAME link to follow. */
interface Step extends LookupStep {
  links: number;
  /** Seconds the step's data may be reused (see ResolveResult.ttl). */
  ttl: number;
  rank: TrustRank;
}

interface Reply {
  /** The server address that sent it. */
  address: string;
  raw: Message;
  msg: Message;
  chain: FollowedChain;
  classified: Classified;
}

export function createResolver(config: ResolverOptions): Resolver {
  return new IterativeResolver(config);
}

class IterativeResolver implements Resolver {
  private readonly health: ServerHealth;
  private readonly qnameCase: QnameCase;
  private primed: { servers: NameServer[]; untilMs: number } | undefined;
  private readonly log: Logger | undefined;

  private readonly stores: ResolverStores;
  /** Wraps the configured transport: TC -> TCP fallback lives there, not here. */
  private readonly transport: Transport;
  /** Upstream queries in flight, by server, port, name and type: joined, never sent twice (any client). */
  private readonly inflight = new Map<string, Promise<Message | string>>();

  constructor(private readonly config: ResolverOptions) {
    this.health = new ServerHealth(config.limits);
    this.qnameCase = new QnameCase(config.qnameCaseRandomisation ?? true);
    this.log = config.logger;
    this.transport = new TruncationFallback(config.transport);
    this.stores = {
      keys: config.stores?.keys ?? new KeyCache(config.clock),
      zones: config.stores?.zones ?? new ZoneCache(config.clock),
      nsAddresses: config.stores?.nsAddresses ?? new NsAddressCache(config.clock),
      interior: config.stores?.interior ?? new InteriorNames(config.clock),
    };
  }

  async resolve(name: Name, type: number, opts: ResolveOptions = {}): Promise<ResolveResult> {
    const budget = new WorkBudget(this.config.workLimits);
    const req: Request = {
      budget,
      queries: 0,
      joined: 0,
      deadlineMs: this.config.clock.now() + this.config.limits.requestTimeoutMs,
      zones: new Map(),
      ns: new NsAddressBook(this.stores.nsAddresses, (ns, from) => this.addressesOf(req, ns, { depth: from.depth + 1, within: ns.key })),
      glue: new Map(),
      gluelessNx: 0,
      chain: new ChainOfTrust({
        anchors: this.config.trustAnchors,
        lookup: (n, t, avoid) => this.askZone(req, n, t, avoid),
        keys: new CachedKeyStore(this.stores.keys),
        policy: this.config.policy,
        budget,
        now: () => this.nowSeconds(),
        onKeys: (k) => this.log?.debug({ zone: k.zone.toString(), status: k.verdict.status, reason: k.verdict.reason }, 'zone keys'),
      }),
    };
    if (opts.signal) req.signal = opts.signal;
    const cd = opts.cd === true;
    try {
      const result = await this.chase(req, name, type, cd, { depth: 0 });
      this.log?.debug({ qname: name.toString(), qtype: type, rcode: result.rcode, status: result.verdict.status, reason: result.verdict.reason, upstreamQueries: req.queries, joinedQueries: req.joined }, 'resolved');
      return result;
    } catch (e) {
      return this.failure(name, type, e, req);
    }
  }

  resolveTLSA(host: Name | string, port: number, proto = 'tcp', opts: ResolveOptions = {}): Promise<ResolveResult> {
    const base = typeof host === 'string' ? Name.parse(host.endsWith('.') ? host : `${host}.`) : host;
    // RFC 6698 §3: the TLSA owner is _port._proto.host.
    return this.resolve(base.prepend(`_${proto}`).prepend(`_${port}`), T.TLSA, opts);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private failure(qname: Name, qtype: number, e: unknown, req: Request): ResolveResult {
    let verdict: Verdict;
    if (e instanceof ResolutionError) {
      verdict = indeterminate(e.message, e.ede, e.code);
      this.log?.info({ qname: qname.toString(), qtype, code: e.code, queries: req.queries }, e.message);
    } else {
      const message = e instanceof Error ? e.message : String(e);
      verdict = indeterminate(`internal error: ${message}`, EDE.OTHER, 'INTERNAL');
      this.log?.error({ qname: qname.toString(), qtype, err: e }, 'resolution failed');
    }
    return { qname, qtype, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict, ttl: 0, stats: statsOf(req) };
  }

  // -------------------------------------------------------------------------------------------------------------
  // CNAME / DNAME chasing

  /** Resolves `qname`, following CNAME/DNAME links across zones up to maxCnameChain (RFC 1034 §4.3.2 step 3a). */
  private async chase(req: Request, qname: Name, qtype: number, cd: boolean, glue: GlueContext): Promise<ResolveResult> {
    const answer: RR[] = [];
    // Proofs of every link (a wildcard-expanded CNAME carries its NSEC/NSEC3, RFC 4035 §3.1.3.3), then the end's.
    const authority: RR[] = [];
    const verdicts: Verdict[] = [];
    const seen = new Set<string>([qname.key]);
    let links = 0;
    let ttl = Infinity;
    let rank: TrustRank = 'answer-aa';
    let name = qname;
    for (;;) {
      const step = await this.lookup(req, name, qtype, cd, glue);
      answer.push(...step.answer.filter((rr) => !answer.includes(rr)));
      authority.push(...step.authority.filter((rr) => !authority.includes(rr)));
      verdicts.push(step.verdict);
      ttl = Math.min(ttl, step.ttl);
      rank = weakerRank(rank, step.rank);
      if (step.verdict.status === 'bogus' && !cd) {
        // A bogus answer never reaches the client as data (RFC 4035 §5.5: the resolver returns SERVFAIL).
        return { qname, qtype, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict: step.verdict, ttl: 0, stats: statsOf(req) };
      }
      links += step.links;
      if (!step.next) {
        return { qname, qtype, rcode: step.rcode, answer, authority, verdict: weakest(verdicts), ttl, rank, stats: statsOf(req) };
      }
      if (links > this.config.limits.maxCnameChain) {
        throw new ResolutionError('CNAME_CHAIN', EDE.OTHER, `CNAME/DNAME chain longer than maxCnameChain (${this.config.limits.maxCnameChain}) at ${step.next}`);
      }
      if (seen.has(step.next.key)) throw new ResolutionError('CNAME_CHAIN', EDE.OTHER, `CNAME/DNAME loop at ${step.next}`);
      seen.add(step.next.key);
      name = step.next;
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // One name: walk down the referrals

  private async lookup(req: Request, qname: Name, qtype: number, cd: boolean, glue: GlueContext): Promise<Step> {
    let zone = await this.closestZone(req, qtype === T.DS && !qname.isRoot ? qname.parent() : qname, cd);
    this.prefetchKeys(req, zone);
    let mstate = skipKnown(startMinimising(this.config.qnameMinimisation), this.stores.interior.deepest(zone.zone, qname));
    let referrals = 0;
    const retry = new BogusRetry<Step>();
    for (;;) {
      const q = nextQuestion(qname, qtype, zone.zone, mstate);
      let reply: Reply;
      try {
        reply = await this.exchange(req, zone, q, glue, retry.avoid);
      } catch (e) {
        if (retry.last && e instanceof ResolutionError && e.code === 'NO_REACHABLE_AUTHORITY') return retry.last;
        if (q.minimised && e instanceof ResolutionError && e.code === 'NO_REACHABLE_AUTHORITY') {
          // RFC 9156 §2.1: servers that replied but failed the A probe are asked the NS probe; then, §2.3, the
          // full name before we give up. Servers that only timed out are not asked again for the NS probe.
          const ns = e.serversReplied ? usingNsProbes(mstate) : undefined;
          mstate = ns ?? fallBack(mstate);
          continue;
        }
        throw e;
      }
      const action = decide({ qname, qtype, asked: q, zone: zone.zone, msg: reply.msg, classified: reply.classified });
      switch (action.do) {
        case 'finish': {
          const step = await this.finish(req, zone, qname, qtype, reply);
          if (step.verdict.status === 'bogus' && !cd && retry.again(reply.address, step)) break;
          if (qtype !== T.DS && reply.classified.kind !== 'nxdomain' && step.verdict.status !== 'bogus') this.markInterior(zone, qname, reply);
          return step;
        }
        case 'fail':
          throw new ResolutionError('NO_REACHABLE_AUTHORITY', EDE.NO_REACHABLE_AUTHORITY, action.reason);
        case 'ask-full':
          mstate = fallBack(mstate);
          break;
        case 'ask-deeper':
          this.markInterior(zone, q.name, reply);
          mstate = advance(mstate, q);
          break;
        case 'descend':
        case 'descend-hidden':
          if (++referrals > this.config.limits.maxReferralDepth) {
            throw new ResolutionError('REFERRAL_DEPTH', EDE.OTHER, `more than maxReferralDepth (${this.config.limits.maxReferralDepth}) referrals for ${qname}`);
          }
          zone = action.do === 'descend'
            ? await this.descend(req, zone, readReferral(reply.msg, action.child), cd)
            : await this.descendHidden(req, zone, action.child, cd, glue);
          if (action.do === 'descend') mstate = advance(mstate, q);
          this.prefetchKeys(req, zone);
          break;
      }
    }
  }

  /**
   * The deepest zone that encloses `name` and was entered earlier in this request or in an earlier one (the
   * zone cache), or the primed root. A cached zone costs no query: the lookup starts at its servers.
   */
  private async closestZone(req: Request, name: Name, cd: boolean): Promise<ZoneState> {
    const mode = cd ? 'u' : 'v';
    for (let n = name; ; n = n.parent()) {
      const known = req.zones.get(`${mode}|${n.key}`);
      if (known) return known;
      // An unvalidated lookup (CD=1, NS addresses) may start from a zone a validated one already reached.
      const validated = cd ? req.zones.get(`v|${n.key}`) : undefined;
      if (validated) return { ...validated, security: 'unchecked', verdict: insecure('checking disabled: not validated') };
      const cached = this.stores.zones.get(n);
      if (cached) {
        const state: ZoneState = cd ? { ...cached, security: 'unchecked', verdict: insecure('checking disabled: not validated') } : cached;
        req.zones.set(`${mode}|${n.key}`, state);
        this.log?.debug({ zone: n.toString(), security: state.security }, 'zone from cache');
        return state;
      }
      if (n.isRoot) break;
    }
    const servers = (await this.rootServers(req)).map((s) => ({ ...s, addresses: [...s.addresses] }));
    const root = initialState(Name.ROOT, servers, this.config.trustAnchors, cd);
    req.zones.set(`${mode}|${Name.ROOT.key}`, root);
    return root;
  }

  /** Follows a referral: checks it, then works out the child's DNSSEC state (RFC 4035 §5.2). */
  private async descend(req: Request, parent: ZoneState, ref: Referral, cd: boolean): Promise<ZoneState> {
    const visited = new Set<string>();
    for (let n = parent.zone; ; n = n.parent()) { visited.add(n.key); if (n.isRoot) break; }
    const problem = checkReferral(ref, parent.zone, visited);
    if (problem) throw new ResolutionError('REFERRAL_LOOP', EDE.OTHER, `unusable referral from ${parent.zone} to ${ref.child}: ${problem}`);
    const servers = ref.servers.filter((s) => !isUnreachableGlueless(s, ref.child));
    for (const s of servers) if (s.addresses.length > 0 && !req.glue.has(s.name.key)) req.glue.set(s.name.key, [...s.addresses]);
    const state = await this.childState(req, parent, ref, servers, cd);
    req.zones.set(`${cd ? 'u' : 'v'}|${ref.child.key}`, state);
    // RFC 4035 §5.3.3: the DS (or its denial) vouching for the cut holds no longer than its signatures.
    if (!cd && ref.ttl !== undefined) this.stores.zones.put(state, Math.min(ref.ttl, signedTtl(ref.authority, this.nowSeconds())));
    this.log?.debug({ zone: ref.child.toString(), security: state.security, servers: servers.map((s) => s.name.toString()) }, 'referral');
    return state;
  }

  /** Enters a child zone the parent's server answered for itself (see hiddenCut): same servers, DS from the parent. */
  private async descendHidden(req: Request, parent: ZoneState, child: Name, cd: boolean, glue: GlueContext): Promise<ZoneState> {
    const servers = parent.servers.map((s) => ({ ...s, addresses: [...s.addresses] }));
    let authority: RR[] = [];
    if (!cd && parent.security === 'secure') {
      const ds = await this.exchange(req, parent, { name: child, type: T.DS, minimised: false }, glue);
      authority = [...ds.msg.answer, ...ds.msg.authority];
    }
    this.log?.debug({ parent: parent.zone.toString(), child: child.toString() }, 'zone cut found inside a reply');
    return this.descend(req, parent, { child, servers, authority }, cd);
  }

  private async childState(req: Request, parent: ZoneState, ref: Referral, servers: NameServer[], cd: boolean): Promise<ZoneState> {
    const zone = ref.child;
    if (cd) return { zone, servers, security: 'unchecked', verdict: parent.verdict };
    const anchors = anchorsFor(this.config.trustAnchors, zone);
    // A configured anchor for the child starts a chain of its own (a private zone under an unsigned parent).
    if (anchors.length > 0) return { zone, servers, security: 'secure', verdict: { status: 'secure', reason: `trust anchor for ${zone}` }, anchors };
    if (parent.security !== 'secure') return { zone, servers, security: parent.security, verdict: parent.verdict };
    const parentKeys = await this.zoneKeys(req, parent);
    if (parentKeys.verdict.status !== 'secure') {
      const status = parentKeys.verdict.status === 'insecure' ? 'insecure' : 'bogus';
      return { zone, servers, security: status, verdict: parentKeys.verdict };
    }
    let d = req.chain.delegation(parentKeys, zone, { answer: [], authority: ref.authority });
    // A referral that says nothing about DS, or whose DS did not validate (one bad parent server), is checked
    // again with a DS query to the parent's servers (RFC 4035 §5.2, §3.1.4.1).
    if (d.kind === 'bogus') d = await this.askDs(req, parent, parentKeys, zone) ?? d;
    if (d.kind === 'secure') return { zone, servers, security: 'secure', verdict: d.verdict, ds: d.ds };
    return { zone, servers, security: d.kind, verdict: d.verdict };
  }

  /** The DS answer (or its denial) for `child` asked of the parent's servers, validated; undefined if none answered. */
  private async askDs(req: Request, parent: ZoneState, parentKeys: ZoneKeys, child: Name): Promise<Delegation | undefined> {
    const retry = new BogusRetry<Delegation>();
    for (;;) {
      let reply: Reply;
      try {
        reply = await this.exchange(req, parent, { name: child, type: T.DS, minimised: false }, { depth: 0 }, retry.avoid);
      } catch (e) {
        if (e instanceof ResolutionError && e.code === 'NO_REACHABLE_AUTHORITY') return retry.last;
        throw e;
      }
      const d = req.chain.delegation(parentKeys, child, { answer: reply.msg.answer, authority: reply.msg.authority });
      if (d.kind !== 'bogus' || !retry.again(reply.address, d)) return d;
    }
  }

  /** The zone's validated DNSKEY set through the chain of trust (RFC 4035 §5.2), fetched once per key store. */
  private zoneKeys(req: Request, zone: ZoneState): Promise<ZoneKeys> {
    const keys = req.chain.zoneKeys(zone.zone, { ...(zone.ds ? { ds: zone.ds } : {}), ...(zone.anchors ? { anchors: zone.anchors } : {}) });
    if (zone.zone.isRoot && this.primed) {
      const primed = this.primed;
      keys.then((k) => { if (k.verdict.status === 'bogus') this.forgetPriming(primed, `root DNSKEY set from the primed servers is bogus: ${k.verdict.reason}`); }, () => undefined);
    }
    return keys;
  }

  /**
   * RFC 8109 §3.3: the root servers' addresses in a priming reply are unsigned glue, so one forged priming reply
   * could pin every later request to an attacker's servers for the NS TTL (up to MAX_PRIMING_TTL_S). When the
   * primed servers give a root DNSKEY set that does not validate against the trust anchor, or none of them
   * answers, the primed list is dropped and the next request primes again from the hints.
   */
  private forgetPriming(primed: NonNullable<IterativeResolver['primed']>, why: string): void {
    if (this.primed !== primed) return;
    this.primed = undefined;
    this.log?.warn({ why }, 'primed root servers dropped: priming again from the hints');
  }

  /** The zone's servers answered for `name` themselves: no cut between (kept as long as the reply's TTLs). */
  private markInterior(zone: ZoneState, name: Name, reply: Reply): void {
    const records = [...reply.msg.answer, ...reply.msg.authority];
    if (records.length > 0) this.stores.interior.mark(zone.zone, name, Math.min(...records.map((rr) => rr.ttl)));
  }

  /**
   * Starts fetching a signed zone's DNSKEY set as soon as the zone is entered, so it travels alongside the next
   * query (the final one, e.g. TLSA, or the one that brings the next referral) instead of after it. Every
   * secure zone's keys are needed anyway: for the answer, or to check the DS of the next cut. The promise is
   * the key store's; whoever needs the keys awaits it and sees any failure then.
   */
  private prefetchKeys(req: Request, zone: ZoneState): void {
    if (zone.security !== 'secure') return;
    this.zoneKeys(req, zone).catch(() => undefined);
  }

  /** The chain's lookup for the iterative driver: DNSKEY (or any question at a zone apex) from that zone's servers. */
  private async askZone(req: Request, name: Name, type: number, avoid?: ReadonlySet<string>): Promise<LookupAnswer> {
    const zone = req.zones.get(`v|${name.key}`);
    if (!zone) throw new Error(`no servers known for zone ${name} (asked ${type})`);
    const reply = await this.exchange(req, zone, { name, type, minimised: false }, { depth: 0 }, avoid);
    return { rcode: reply.msg.rcode, answer: reply.msg.answer, authority: reply.msg.authority, source: reply.address };
  }

  // -------------------------------------------------------------------------------------------------------------
  // The final reply for a name: validate it in its zone's state

  private async finish(req: Request, zone: ZoneState, qname: Name, qtype: number, reply: Reply): Promise<Step> {
    const { msg, classified, chain } = reply;
    const kind = classified.kind;
    const isLink = kind === 'cname' || kind === 'dname';
    const rcode = isLink ? RCODE.NOERROR : msg.rcode;
    const negative = kind === 'nodata' || kind === 'nxdomain';
    const authority = msg.authority.filter((rr) => keepInResult(rr, negative));
    const rank = trustOf(msg.answer.length > 0 ? 'answer' : 'authority', msg.flags.aa);
    const ttl = answerTtl(msg.answer, authority, negative);
    const step: Step = { rcode, answer: msg.answer, authority, verdict: zone.verdict, links: chain.links.length, ttl, rank };
    if (isLink) step.next = classified.next!;
    if (zone.security !== 'secure') return step;
    const keys = await this.zoneKeys(req, zone);
    if (keys.verdict.status !== 'secure') {
      step.verdict = keys.verdict.status === 'insecure' ? keys.verdict : asBogus(keys.verdict);
      return step;
    }
    const v = validateResponse({ qname, qtype, rcode, answer: msg.answer, authority: msg.authority, keys, now: this.nowSeconds(), policy: this.config.policy, budget: req.budget });
    step.verdict = v.verdict;
    if (v.verdict.status !== 'secure') return step;
    // RFC 6604 §3: a chain the validator could not end in this zone (it leads on, or loops) is no proven
    // NXDOMAIN/NODATA/answer, whatever the rcode claims.
    if (v.next && !isLink) {
      step.verdict = bogus(`${kind} reply for ${qname} whose chain leads on to ${v.next} unproven`, EDE.DNSSEC_BOGUS, 'RS08');
      return step;
    }
    // Return what was validated, never what was received: only the RRsets and proofs the validator checked
    // (denial records in a positive answer only when its wildcard proof used them), with TTLs capped by
    // RFC 4035 §5.3.3 (RRSIG Original TTL, signature expiry) — v.ttl is that bound.
    step.answer = capTtls(v.answer, v.ttl);
    step.authority = capTtls(v.authority.filter((rr) => keepInResult(rr, negative)), v.ttl);
    step.ttl = Math.min(v.ttl, answerTtl(step.answer, step.authority, negative));
    if (v.next && isLink) step.next = v.next;
    return step;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Root priming (RFC 8109)

  private async rootServers(req: Request): Promise<NameServer[]> {
    const now = this.config.clock.now();
    if (this.primed && this.primed.untilMs > now) return this.primed.servers;
    const hints: NameServer[] = this.config.rootHints.map((h: ServerHint) => ({ ...h, addresses: [...h.addresses] }));
    const hintZone: ZoneState = { zone: Name.ROOT, servers: hints, security: 'unchecked', verdict: insecure('priming') };
    try {
      const reply = await this.exchange(req, hintZone, { name: Name.ROOT, type: T.NS, minimised: false }, { depth: this.config.limits.maxGluelessDepth });
      const servers = primedServers(reply.raw, hints);
      if (servers.length > 0) {
        const ttl = Math.min(MAX_PRIMING_TTL_S, ...reply.raw.answer.filter((rr) => rr.type === T.NS).map((rr) => rr.ttl));
        this.primed = { servers, untilMs: now + ttl * 1000 };
        this.log?.debug({ servers: servers.length, ttl }, 'root primed');
        return servers;
      }
    } catch (e) {
      if (e instanceof ResolutionError && e.code !== 'NO_REACHABLE_AUTHORITY') throw e;
    }
    // RFC 8109 §3: if priming fails the hints are still the best list there is.
    this.log?.warn({ hints: hints.length }, 'root priming failed, using the hints');
    return hints;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Talking to a zone's servers

  /** Asks the zone's servers until one gives a usable reply; lame, error and silent servers are skipped. */
  private async exchange(req: Request, zone: ZoneState, q: OutgoingQuestion, glue: GlueContext, avoid?: ReadonlySet<string>): Promise<Reply> {
    const tried = new Set<string>(avoid);
    const timedOut = new Set<string>();
    const problems: string[] = [];
    let replied = false;
    let round = 0;
    for (;;) {
      let address = await this.nextAddress(req, zone, tried, glue);
      if (address === undefined && round < RETRY_ROUNDS && timedOut.size > 0) {
        // Every server was tried; those that only timed out get another try with their backed-off timeout.
        round++;
        for (const a of timedOut) tried.delete(a);
        timedOut.clear();
        address = await this.nextAddress(req, zone, tried, glue);
      }
      if (address === undefined) {
        if (zone.zone.isRoot && this.primed) this.forgetPriming(this.primed, 'no primed root server answered');
        throw new ResolutionError('NO_REACHABLE_AUTHORITY', EDE.NO_REACHABLE_AUTHORITY, `no server of ${zone.zone} answered ${q.name} ${q.type}${problems.length ? ` (${problems.join('; ')})` : ''}`, replied);
      }
      tried.add(address);
      const raw = await this.send(req, upstreamFor(zone, address), q);
      if (typeof raw === 'string') {
        if (raw.startsWith('timeout')) timedOut.add(address);
        problems.push(`${address}: ${raw}`);
        // One line per upstream failure (operators look for unreachable or broken servers here).
        this.log?.info({ address, zone: zone.zone.toString(), qname: q.name.toString(), qtype: q.type, problem: raw }, 'upstream failure');
        continue;
      }
      replied = true;
      let reply: Reply;
      try {
        const scrubbed = scrubResponse(raw, q.name, q.type, zone.zone, this.config.limits.maxCnameChain + 1, { hardenGlue: this.config.hardenGlue ?? true });
        reply = { address, raw, msg: scrubbed.message, chain: scrubbed.chain, classified: classifyResponse(scrubbed.message, scrubbed.chain, q.type, zone.zone, scrubbed.nsOutside, q.minimised) };
      } catch (e) {
        problems.push(`${address}: malformed records (${e instanceof Error ? e.message : String(e)})`);
        this.log?.info({ address, zone: zone.zone.toString(), qname: q.name.toString(), qtype: q.type, problem: 'malformed records' }, 'upstream failure');
        continue;
      }
      const kind = reply.classified.kind;
      if (kind === 'lame' || kind === 'error') {
        if (kind === 'lame') this.health.recordLame(address, zone.zone.key, this.config.clock.now());
        problems.push(`${address}: ${kind} (${reply.classified.reason})`);
        this.log?.debug({ address, zone: zone.zone.toString(), kind, reason: reply.classified.reason }, 'server skipped');
        continue;
      }
      return reply;
    }
  }

  /**
   * The best untried address of the zone's servers; when none is left, looks up the addresses of glueless NS
   * names — up to GLUELESS_PARALLEL at once, each at most once per request (NsAddressBook) — and tries again.
   */
  private async nextAddress(req: Request, zone: ZoneState, tried: Set<string>, glue: GlueContext): Promise<string | undefined> {
    for (;;) {
      const addresses = zone.servers
        .flatMap((s) => (s.addresses.length > 0 ? s.addresses : req.ns.known(s.name)))
        .filter((a) => isAllowedTarget(a, this.config.builtinHints));
      const chosen = chooseAddress(addresses, this.health, { zoneKey: zone.zone.key, nowMs: this.config.clock.now(), doIp6: this.config.doIp6, doIp4: this.config.doIp4 ?? true, tried });
      if (chosen !== undefined) return chosen;
      const glueless = zone.servers.filter((s) => s.addresses.length === 0 && req.ns.worthAsking(s.name, glue));
      if (glueless.length === 0) return undefined;
      if (glue.depth >= this.config.limits.maxGluelessDepth) {
        this.log?.debug({ ns: glueless.map((s) => s.name.toString()), depth: glue.depth }, 'glueless NS skipped: maxGluelessDepth');
        return undefined;
      }
      if (req.gluelessNx >= MAX_GLUELESS_NXDOMAIN) {
        this.log?.debug({ ns: glueless.map((s) => s.name.toString()), nxdomain: req.gluelessNx }, 'glueless NS skipped: MAX_GLUELESS_NXDOMAIN');
        return undefined;
      }
      // RFC 1034 §5.3.3: an NS name without glue is resolved like any other name; several at once, so one
      // slow name does not hold up the others.
      await Promise.all(glueless.slice(0, GLUELESS_PARALLEL).map((s) => req.ns.resolve(s.name, glue)));
    }
  }

  /**
   * Addresses of a glueless NS name by a sub-resolution sharing the request's budget (CD: not validated, see
   * state/ns-addresses.ts), with the lowest TTL of the records found.
   */
  private async addressesOf(req: Request, name: Name, glue: GlueContext): Promise<FoundAddresses> {
    const out: string[] = [];
    let ttl = Infinity;
    // Only the address families this resolver may use are worth a sub-resolution.
    const types = [...(this.config.doIp4 === false ? [] : [T.A]), ...(this.config.doIp6 ? [T.AAAA] : [])];
    for (const type of types) {
      try {
        const r = await this.chase(req, name, type, true, glue);
        for (const rr of r.answer) {
          // The answer holds only the chain from `name` (scrubbed), so its records of `type` are the addresses.
          const a = rr.type === type ? addressOf(rr) : undefined;
          if (a !== undefined && !out.includes(a)) out.push(a);
        }
        if (r.ttl !== undefined && r.answer.length > 0) ttl = Math.min(ttl, r.ttl);
        if (r.rcode === RCODE.NXDOMAIN) {
          // RFC 8020: the name has no data of any type, so the other address type is not asked.
          req.gluelessNx++;
          break;
        }
      } catch (e) {
        if (!(e instanceof ResolutionError) || e.code === 'QUERY_BUDGET' || e.code === 'REQUEST_TIMEOUT' || e.code === 'ABORTED') throw e;
      }
      if (out.length > 0) break;
    }
    // RFC 2181 §5.4.1: the child's authoritative addresses come first; the parent's glue for the same name seen
    // in another referral of this request, of lower rank, is kept after them as a fallback for when parent and
    // child disagree and the child's address does not answer (kept with them in the shared address cache).
    const fallback = (req.glue.get(name.key) ?? []).filter((a) => !out.includes(a));
    this.log?.debug({ ns: name.toString(), addresses: out, parentGlue: fallback }, 'glueless NS resolved');
    return { addresses: [...out, ...fallback], ttl: ttl === Infinity ? 0 : ttl };
  }

  /**
   * Sends one query to `upstream`, or joins the identical one (same server, port, name, type) already in
   * flight for this or any other client: the reply is shared, the query is sent once. Only the sender counts it
   * against its request's maxUpstreamQueries. Returns the decoded, matched reply, or why there is none.
   */
  private async send(req: Request, upstream: Upstream, q: OutgoingQuestion): Promise<Message | string> {
    this.checkRequest(req);
    const key = `${upstream.address}|${upstream.port}|${q.name.key}|${q.type}`;
    const joined = this.inflight.get(key);
    if (joined) {
      req.joined++;
      this.log?.debug({ address: upstream.address, qname: q.name.toString(), qtype: q.type }, 'joined an identical query in flight');
      return this.untilAborted(req, joined);
    }
    const limits = this.config.limits;
    if (++req.queries > limits.maxUpstreamQueries) {
      throw new ResolutionError('QUERY_BUDGET', EDE.OTHER, `more than maxUpstreamQueries (${limits.maxUpstreamQueries}) upstream queries for one request`);
    }
    const timeoutMs = Math.max(1, Math.min(this.health.timeoutFor(upstream.address), req.deadlineMs - this.config.clock.now()));
    const pending = this.transmit(upstream, q, timeoutMs)
      .then((first) => {
        // A server that did not echo the 0x20 case is asked once more with the plain name (iterator/qname-case.ts),
        // counted like any query; past the budget the server simply counts as not answering.
        if (first !== CASE_NOT_ECHOED || req.queries >= limits.maxUpstreamQueries) return first;
        req.queries++;
        return this.transmit(upstream, q, timeoutMs);
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, pending);
    return this.untilAborted(req, pending);
  }

  /** One query on the wire (the transport falls back to TCP on TC); never rejects for operational failures. */
  private async transmit(upstream: Upstream, q: OutgoingQuestion, timeoutMs: number): Promise<Message | string> {
    const id = randomId();
    // EDNS0 with a 1232-byte buffer and DO=1 on every query (RFC 6891, RFC 3225); RD=0: we iterate ourselves.
    const sent = this.qnameCase.nameFor(upstream.address, q.name, this.config.clock.now());
    const wire = buildQuery({ id, name: sent, type: q.type, rd: false, cd: false, do: true, udpSize: DEFAULT_UDP_SIZE });
    const start = this.config.clock.now();
    let bytes: Uint8Array;
    try {
      bytes = await this.transport.query(upstream, wire, { timeoutMs });
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      if (e.code !== 'ABORTED') this.health.recordTimeout(upstream.address, this.config.clock.now());
      return `${e.code.toLowerCase()} (${e.message})`;
    }
    this.health.recordReply(upstream.address, Math.max(0, this.config.clock.now() - start));
    let msg: Message;
    try {
      // RFC 2181 §8: a TTL with the top bit set is read as 0 before anything uses it.
      msg = normaliseTtls(decodeMessage(bytes));
    } catch (e) {
      return `malformed reply (${e instanceof Error ? e.message : String(e)})`;
    }
    const mismatch = replyMismatch(msg, id, q.name, q.type);
    if (mismatch !== undefined) return mismatch;
    return this.qnameCase.accept(upstream.address, sent, q.name, msg, this.config.clock.now()) ?? CASE_NOT_ECHOED;
  }

  /** Waits for a (possibly shared) reply, or ends this request alone when its signal aborts. */
  private untilAborted<V>(req: Request, pending: Promise<V>): Promise<V> {
    const signal = req.signal;
    if (!signal) return pending;
    return new Promise<V>((resolve, reject) => {
      const onAbort = (): void => reject(new ResolutionError('ABORTED', EDE.OTHER, 'request aborted'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private checkRequest(req: Request): void {
    checkRequest(req, this.config.clock, this.config.limits.requestTimeoutMs);
  }

  private nowSeconds(): number {
    return Math.floor(this.config.clock.now() / 1000);
  }
}

/** RFC 4035 §5.3.3: validated data lives no longer than its RRSIGs' Original TTL and time before expiry. */
function signedTtl(records: readonly RR[], now: number): number {
  let ttl = Infinity;
  for (const rr of records) {
    if (rr.type !== T.RRSIG) continue;
    try {
      const sig = decodeRrsig(rr.rdata);
      ttl = Math.min(ttl, cappedTtl(rr.ttl, sig.originalTtl, sig.expiration, now));
    } catch {
      ttl = 0;
    }
  }
  return ttl;
}

function statsOf(req: Request): ResolveStats {
  return { upstreamQueries: req.queries, joinedQueries: req.joined };
}

/** The upstream behind a chosen address: classic DNS on the port its hint names, or 53 (glue carries none). */
function upstreamFor(zone: ZoneState, address: string): Upstream {
  const port = zone.servers.find((s) => s.addresses.includes(address))?.port ?? DNS_PORT;
  return { address, port, protocol: 'do53' };
}

/** Root servers from a priming reply: NS names of the answer with their addresses (RFC 8109 §3.3). */
function primedServers(raw: Message, hints: readonly NameServer[]): NameServer[] {
  if (!raw.flags.aa || raw.rcode !== RCODE.NOERROR) return [];
  const out: NameServer[] = [];
  for (const rr of raw.answer) {
    if (rr.type !== T.NS || !rr.name.isRoot) continue;
    const name = rdataName(rr);
    const addresses = raw.additional.filter((a) => a.name.equals(name)).map(addressOf).filter((a): a is string => a !== undefined);
    const hint = hints.find((h) => h.name.equals(name));
    const all = addresses.length > 0 ? addresses : hint?.addresses ?? [];
    // A hint's port (a test root on another port) holds for the addresses the root gives for the same name.
    if (all.length > 0) out.push({ name, addresses: [...new Set(all)], ...(hint?.port !== undefined ? { port: hint.port } : {}) });
  }
  return out;
}
