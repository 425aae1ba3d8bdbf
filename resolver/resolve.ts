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
import type { ResolveOptions, ResolveResult, Resolver, ResolverConfig, ServerHint } from './api.js';
import { Name } from './wire/name.js';
import { RCODE, T, type Message, type RR } from './wire/types.js';
import { decodeMessage } from './wire/message.js';
import { buildQuery, DEFAULT_UDP_SIZE, randomId } from './wire/query.js';
import { TransportError } from './transport/transport.js';
import { WorkBudget } from './dnssec/budget.js';
import { EDE, indeterminate, insecure, type Verdict } from './dnssec/verdict.js';
import type { ZoneKeys } from './dnssec/zone-keys.js';
import { asBogus, ChainOfTrust, RequestKeyStore, type LookupAnswer } from './dnssec/chain.js';
import { validateResponse } from './dnssec/response.js';
import { scrubResponse } from './iterator/scrub.js';
import { classifyResponse, type Classified } from './iterator/classify.js';
import type { FollowedChain } from './iterator/chain.js';
import { checkReferral, isUnreachableGlueless, readReferral, type NameServer, type Referral } from './iterator/referral.js';
import { advance, fallBack, nextQuestion, startMinimising, type OutgoingQuestion } from './iterator/qname-min.js';
import { chooseAddress, ServerHealth } from './iterator/servers.js';
import { decide } from './iterator/step.js';
import { isAllowedTarget } from './iterator/address-guard.js';
import { replyMismatch } from './iterator/exchange-check.js';
import { QnameCase } from './iterator/qname-case.js';
import { addressOf, rdataName } from './iterator/records.js';
import { ResolutionError } from './resolution-error.js';
import { checkRequest, keepInResult } from './request-checks.js';
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
}

export { ResolutionError };

/** DNS port for every upstream; hints and glue carry addresses only. */
const DNS_PORT = 53;
/** sendOnce's answer when the reply did not echo the 0x20 QNAME case: never used, asked again with the plain name. */
const CASE_NOT_ECHOED = 'reply did not echo the QNAME case (0x20)';
/** Extra passes over a zone's servers when all of them timed out (a lost datagram is not a dead server). */
const RETRY_ROUNDS = 1;
/** How long a primed root NS set is used before priming again (RFC 8109 §3: re-prime before the TTL ends). */
const MAX_PRIMING_TTL_S = 86400;

interface Request {
  budget: WorkBudget;
  queries: number;
  deadlineMs: number;
  signal?: AbortSignal;
  /** Zones entered in this request, keyed by mode (validated or not) and name. */
  zones: Map<string, ZoneState>;
  /** The chain of trust over this request's budget and key store (DNSKEY sets fetched once per request). */
  chain: ChainOfTrust;
  /** NS names whose addresses were already looked up in this request. */
  gluelessTried: Set<string>;
}

/** One name's lookup result: a final answer, or a CNAME/DNAME link to follow. */
interface Step {
  rcode: number;
  answer: RR[];
  authority: RR[];
  verdict: Verdict;
  next?: Name;
  links: number;
}

interface Reply {
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

  constructor(private readonly config: ResolverOptions) {
    this.health = new ServerHealth(config.limits);
    this.qnameCase = new QnameCase(config.qnameCaseRandomisation ?? true);
    this.log = config.logger;
  }

  async resolve(name: Name, type: number, opts: ResolveOptions = {}): Promise<ResolveResult> {
    const budget = new WorkBudget(this.config.workLimits);
    const req: Request = {
      budget,
      queries: 0,
      deadlineMs: this.config.clock.now() + this.config.limits.requestTimeoutMs,
      zones: new Map(),
      gluelessTried: new Set(),
      chain: new ChainOfTrust({
        anchors: this.config.trustAnchors,
        lookup: (n, t) => this.askZone(req, n, t),
        keys: new RequestKeyStore(),
        policy: this.config.policy,
        budget,
        now: () => this.nowSeconds(),
        onKeys: (k) => this.log?.debug({ zone: k.zone.toString(), status: k.verdict.status, reason: k.verdict.reason }, 'zone keys'),
      }),
    };
    if (opts.signal) req.signal = opts.signal;
    const cd = opts.cd === true;
    try {
      const result = await this.chase(req, name, type, cd, 0);
      this.log?.debug({ qname: name.toString(), qtype: type, rcode: result.rcode, status: result.verdict.status, queries: req.queries }, 'resolved');
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
    await this.config.transport.close();
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
    return { qname, qtype, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict };
  }

  // -------------------------------------------------------------------------------------------------------------
  // CNAME / DNAME chasing

  /** Resolves `qname`, following CNAME/DNAME links across zones up to maxCnameChain (RFC 1034 §4.3.2 step 3a). */
  private async chase(req: Request, qname: Name, qtype: number, cd: boolean, glueDepth: number): Promise<ResolveResult> {
    const answer: RR[] = [];
    const verdicts: Verdict[] = [];
    const seen = new Set<string>([qname.key]);
    let links = 0;
    let name = qname;
    for (;;) {
      const step = await this.lookup(req, name, qtype, cd, glueDepth);
      answer.push(...step.answer.filter((rr) => !answer.includes(rr)));
      verdicts.push(step.verdict);
      if (step.verdict.status === 'bogus' && !cd) {
        // A bogus answer never reaches the client as data (RFC 4035 §5.5: the resolver returns SERVFAIL).
        return { qname, qtype, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict: step.verdict };
      }
      links += step.links;
      if (!step.next) {
        return { qname, qtype, rcode: step.rcode, answer, authority: step.authority, verdict: weakest(verdicts) };
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

  private async lookup(req: Request, qname: Name, qtype: number, cd: boolean, glueDepth: number): Promise<Step> {
    let zone = await this.closestZone(req, qtype === T.DS && !qname.isRoot ? qname.parent() : qname, cd);
    let mstate = startMinimising(this.config.qnameMinimisation);
    let referrals = 0;
    for (;;) {
      const q = nextQuestion(qname, qtype, zone.zone, mstate);
      let reply: Reply;
      try {
        reply = await this.exchange(req, zone, q, glueDepth);
      } catch (e) {
        // RFC 9156 §2.3: servers that fail on minimised queries get the full name before we give up.
        if (q.minimised && e instanceof ResolutionError && e.code === 'NO_REACHABLE_AUTHORITY') { mstate = fallBack(mstate); continue; }
        throw e;
      }
      const action = decide({ qname, qtype, asked: q, zone: zone.zone, msg: reply.msg, classified: reply.classified });
      switch (action.do) {
        case 'finish':
          return this.finish(req, zone, qname, qtype, reply);
        case 'fail':
          throw new ResolutionError('NO_REACHABLE_AUTHORITY', EDE.NO_REACHABLE_AUTHORITY, action.reason);
        case 'ask-full':
          mstate = fallBack(mstate);
          break;
        case 'ask-deeper':
          mstate = advance(mstate, q);
          break;
        case 'descend':
        case 'descend-hidden':
          if (++referrals > this.config.limits.maxReferralDepth) {
            throw new ResolutionError('REFERRAL_DEPTH', EDE.OTHER, `more than maxReferralDepth (${this.config.limits.maxReferralDepth}) referrals for ${qname}`);
          }
          zone = action.do === 'descend'
            ? await this.descend(req, zone, readReferral(reply.msg, action.child), cd)
            : await this.descendHidden(req, zone, action.child, cd, glueDepth);
          if (action.do === 'descend') mstate = advance(mstate, q);
          break;
      }
    }
  }

  /** The deepest zone entered earlier in this request that encloses `name`, or the primed root. */
  private async closestZone(req: Request, name: Name, cd: boolean): Promise<ZoneState> {
    const mode = cd ? 'u' : 'v';
    for (let n = name; ; n = n.parent()) {
      const known = req.zones.get(`${mode}|${n.key}`);
      if (known) return known;
      // An unvalidated lookup (CD=1, NS addresses) may start from a zone a validated one already reached.
      const validated = cd ? req.zones.get(`v|${n.key}`) : undefined;
      if (validated) return { ...validated, security: 'unchecked', verdict: insecure('checking disabled: not validated') };
      if (n.isRoot) break;
    }
    const servers = (await this.rootServers(req)).map((s) => ({ name: s.name, addresses: [...s.addresses] }));
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
    const state = await this.childState(req, parent, ref, servers, cd);
    req.zones.set(`${cd ? 'u' : 'v'}|${ref.child.key}`, state);
    this.log?.debug({ zone: ref.child.toString(), security: state.security, servers: servers.map((s) => s.name.toString()) }, 'referral');
    return state;
  }

  /** Enters a child zone the parent's server answered for itself (see hiddenCut): same servers, DS from the parent. */
  private async descendHidden(req: Request, parent: ZoneState, child: Name, cd: boolean, glueDepth: number): Promise<ZoneState> {
    const servers = parent.servers.map((s) => ({ name: s.name, addresses: [...s.addresses] }));
    let authority: RR[] = [];
    if (!cd && parent.security === 'secure') {
      const ds = await this.exchange(req, parent, { name: child, type: T.DS, minimised: false }, glueDepth);
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
    const d = req.chain.delegation(parentKeys, zone, { answer: [], authority: ref.authority });
    if (d.kind === 'secure') return { zone, servers, security: 'secure', verdict: d.verdict, ds: d.ds };
    return { zone, servers, security: d.kind, verdict: d.verdict };
  }

  /** The zone's validated DNSKEY set through the chain of trust (RFC 4035 §5.2), fetched once per key store. */
  private zoneKeys(req: Request, zone: ZoneState): Promise<ZoneKeys> {
    return req.chain.zoneKeys(zone.zone, { ...(zone.ds ? { ds: zone.ds } : {}), ...(zone.anchors ? { anchors: zone.anchors } : {}) });
  }

  /** The chain's lookup for the iterative driver: DNSKEY (or any question at a zone apex) from that zone's servers. */
  private async askZone(req: Request, name: Name, type: number): Promise<LookupAnswer> {
    const zone = req.zones.get(`v|${name.key}`);
    if (!zone) throw new Error(`no servers known for zone ${name} (asked ${type})`);
    const reply = await this.exchange(req, zone, { name, type, minimised: false }, 0);
    return { rcode: reply.msg.rcode, answer: reply.msg.answer, authority: reply.msg.authority };
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
    const step: Step = { rcode, answer: msg.answer, authority, verdict: zone.verdict, links: chain.links.length };
    if (isLink) step.next = classified.next!;
    if (zone.security !== 'secure') return step;
    const keys = await this.zoneKeys(req, zone);
    if (keys.verdict.status !== 'secure') {
      step.verdict = keys.verdict.status === 'insecure' ? keys.verdict : asBogus(keys.verdict);
      return step;
    }
    const v = validateResponse({ qname, qtype, rcode, answer: msg.answer, authority: msg.authority, keys, now: this.nowSeconds(), policy: this.config.policy, budget: req.budget });
    step.verdict = v.verdict;
    if (v.verdict.status === 'secure' && v.next && isLink) step.next = v.next;
    return step;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Root priming (RFC 8109)

  private async rootServers(req: Request): Promise<NameServer[]> {
    const now = this.config.clock.now();
    if (this.primed && this.primed.untilMs > now) return this.primed.servers;
    const hints: NameServer[] = this.config.rootHints.map((h: ServerHint) => ({ name: h.name, addresses: [...h.addresses] }));
    const hintZone: ZoneState = { zone: Name.ROOT, servers: hints, security: 'unchecked', verdict: insecure('priming') };
    try {
      const reply = await this.exchange(req, hintZone, { name: Name.ROOT, type: T.NS, minimised: false }, this.config.limits.maxGluelessDepth);
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
  private async exchange(req: Request, zone: ZoneState, q: OutgoingQuestion, glueDepth: number): Promise<Reply> {
    const tried = new Set<string>();
    const timedOut = new Set<string>();
    const problems: string[] = [];
    let round = 0;
    for (;;) {
      let address = await this.nextAddress(req, zone, tried, glueDepth);
      if (address === undefined && round < RETRY_ROUNDS && timedOut.size > 0) {
        // Every server was tried; those that only timed out get another try with their backed-off timeout.
        round++;
        for (const a of timedOut) tried.delete(a);
        timedOut.clear();
        address = await this.nextAddress(req, zone, tried, glueDepth);
      }
      if (address === undefined) {
        throw new ResolutionError('NO_REACHABLE_AUTHORITY', EDE.NO_REACHABLE_AUTHORITY, `no server of ${zone.zone} answered ${q.name} ${q.type}${problems.length ? ` (${problems.join('; ')})` : ''}`);
      }
      tried.add(address);
      const raw = await this.send(req, address, q);
      if (typeof raw === 'string') {
        if (raw.startsWith('timeout')) timedOut.add(address);
        problems.push(`${address}: ${raw}`);
        // One line per upstream failure (operators look for unreachable or broken servers here).
        this.log?.info({ address, zone: zone.zone.toString(), qname: q.name.toString(), qtype: q.type, problem: raw }, 'upstream failure');
        continue;
      }
      let reply: Reply;
      try {
        const scrubbed = scrubResponse(raw, q.name, q.type, zone.zone, this.config.limits.maxCnameChain + 1);
        reply = { raw, msg: scrubbed.message, chain: scrubbed.chain, classified: classifyResponse(scrubbed.message, scrubbed.chain, q.type, zone.zone) };
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

  /** The best untried address of the zone's servers, resolving a glueless NS name when none is left. */
  private async nextAddress(req: Request, zone: ZoneState, tried: Set<string>, glueDepth: number): Promise<string | undefined> {
    for (;;) {
      const addresses = zone.servers.flatMap((s) => s.addresses).filter((a) => isAllowedTarget(a, this.config.builtinHints));
      const chosen = chooseAddress(addresses, this.health, { zoneKey: zone.zone.key, nowMs: this.config.clock.now(), doIp6: this.config.doIp6, tried });
      if (chosen !== undefined) return chosen;
      const glueless = zone.servers.find((s) => s.addresses.length === 0 && !req.gluelessTried.has(s.name.key));
      if (!glueless) return undefined;
      req.gluelessTried.add(glueless.name.key);
      if (glueDepth >= this.config.limits.maxGluelessDepth) {
        this.log?.debug({ ns: glueless.name.toString(), depth: glueDepth }, 'glueless NS skipped: maxGluelessDepth');
        continue;
      }
      glueless.addresses = await this.addressesOf(req, glueless.name, glueDepth + 1);
    }
  }

  /**
   * Addresses of a glueless NS name by a sub-resolution sharing the request's budget. They are not validated:
   * the data fetched from that server is validated on its own, so a wrong address can only make it unreachable.
   */
  private async addressesOf(req: Request, name: Name, depth: number): Promise<string[]> {
    const out: string[] = [];
    const types = this.config.doIp6 ? [T.A, T.AAAA] : [T.A];
    for (const type of types) {
      try {
        const r = await this.chase(req, name, type, true, depth);
        for (const rr of r.answer) {
          // The answer holds only the chain from `name` (scrubbed), so its records of `type` are the addresses.
          const a = rr.type === type ? addressOf(rr) : undefined;
          if (a !== undefined && !out.includes(a)) out.push(a);
        }
      } catch (e) {
        if (!(e instanceof ResolutionError) || e.code === 'QUERY_BUDGET' || e.code === 'REQUEST_TIMEOUT' || e.code === 'ABORTED') throw e;
      }
      if (out.length > 0) break;
    }
    this.log?.debug({ ns: name.toString(), addresses: out }, 'glueless NS resolved');
    return out;
  }

  /** Sends one query (UDP, then TCP when truncated); returns the decoded reply, or why there is none. */
  private async send(req: Request, address: string, q: OutgoingQuestion): Promise<Message | string> {
    let first = await this.sendOnce(req, address, q, false);
    // A server that did not echo the 0x20 case is asked once more with the plain name (iterator/qname-case.ts).
    if (first === CASE_NOT_ECHOED) first = await this.sendOnce(req, address, q, false);
    if (typeof first === 'string' || !first.flags.tc) return first;
    // RFC 7766 §5 / RFC 1035 §4.2.1: a truncated UDP reply is retried over TCP.
    this.log?.debug({ address, qname: q.name.toString() }, 'truncated, retrying over TCP');
    return this.sendOnce(req, address, q, true);
  }

  private async sendOnce(req: Request, address: string, q: OutgoingQuestion, tcp: boolean): Promise<Message | string> {
    this.checkRequest(req);
    const limits = this.config.limits;
    if (++req.queries > limits.maxUpstreamQueries) {
      throw new ResolutionError('QUERY_BUDGET', EDE.OTHER, `more than maxUpstreamQueries (${limits.maxUpstreamQueries}) upstream queries for one request`);
    }
    const id = randomId();
    // EDNS0 with a 1232-byte buffer and DO=1 on every query (RFC 6891, RFC 3225); RD=0: we iterate ourselves.
    const sent = this.qnameCase.nameFor(address, q.name, this.config.clock.now());
    const wire = buildQuery({ id, name: sent, type: q.type, rd: false, cd: false, do: true, udpSize: DEFAULT_UDP_SIZE });
    const start = this.config.clock.now();
    const timeoutMs = Math.max(1, Math.min(this.health.timeoutFor(address), req.deadlineMs - start));
    let bytes: Uint8Array;
    try {
      const opts = { timeoutMs, tcp, ...(req.signal ? { signal: req.signal } : {}) };
      bytes = await this.config.transport.query({ address, port: DNS_PORT }, wire, opts);
    } catch (e) {
      if (req.signal?.aborted) throw new ResolutionError('ABORTED', EDE.OTHER, 'request aborted');
      if (!(e instanceof TransportError)) throw e;
      this.health.recordTimeout(address, this.config.clock.now());
      return `${e.code.toLowerCase()} over ${tcp ? 'TCP' : 'UDP'}`;
    }
    this.health.recordReply(address, Math.max(0, this.config.clock.now() - start));
    let msg: Message;
    try {
      msg = decodeMessage(bytes);
    } catch (e) {
      return `malformed reply (${e instanceof Error ? e.message : String(e)})`;
    }
    const mismatch = replyMismatch(msg, id, q.name, q.type);
    if (mismatch !== undefined) return mismatch;
    return this.qnameCase.accept(address, sent, q.name, msg, this.config.clock.now()) ?? CASE_NOT_ECHOED;
  }

  private checkRequest(req: Request): void {
    checkRequest(req, this.config.clock, this.config.limits.requestTimeoutMs);
  }

  private nowSeconds(): number {
    return Math.floor(this.config.clock.now() / 1000);
  }
}

/** Root servers from a priming reply: NS names of the answer with their addresses (RFC 8109 §3.3). */
function primedServers(raw: Message, hints: readonly NameServer[]): NameServer[] {
  if (!raw.flags.aa || raw.rcode !== RCODE.NOERROR) return [];
  const out: NameServer[] = [];
  for (const rr of raw.answer) {
    if (rr.type !== T.NS || !rr.name.isRoot) continue;
    const name = rdataName(rr);
    const addresses = raw.additional.filter((a) => a.name.equals(name)).map(addressOf).filter((a): a is string => a !== undefined);
    const fallback = hints.find((h) => h.name.equals(name))?.addresses ?? [];
    const all = addresses.length > 0 ? addresses : fallback;
    if (all.length > 0) out.push({ name, addresses: [...new Set(all)] });
  }
  return out;
}
