/**
 * The forwarding resolver: a Resolver that sends every question of one forwarded zone to that zone's upstreams
 * (recursive resolvers over UDP, TCP, DoT or DoH) and validates every answer itself.
 *
 * - Queries carry RD=1 (the upstream recurses), DO=1 (it returns RRSIGs and denial proofs, RFC 3225) and CD=1
 *   (RFC 4035 §3.2.2: it hands over data even when its own validation fails, so daneel judges for itself).
 * - The upstream's AD bit and rcode are never trusted for the verdict (RFC 4035 §4.9.3: a stub that validates
 *   does not rely on AD); the channel is authenticated, the data is not.
 * - The chain of trust is walked from the trust anchor to the zone that signed the answer with the same pure
 *   code as iteration (dnssec/chain.ts: DS and DNSKEY fetched through the same upstreams), then the answer is
 *   checked with validateResponse. A reply without RRSIGs makes the walk go down to the name itself, so a
 *   stripped signature in a signed zone is bogus; only a proven unsigned delegation makes it insecure.
 * - CNAME/DNAME links leaving the signer's zone are followed with a new upstream query, as iteration does.
 * - Upstreams are tried best first (pool.ts); a failed one is skipped for a backoff and probed later. When
 *   every upstream is in its backoff the request ends at once with SERVFAIL and EDE 22.
 *
 * Result conventions are the iterative resolver's (resolve.ts): bogus is SERVFAIL with empty sections; CD=1
 * returns unvalidated data as insecure "checking disabled"; failures are SERVFAIL with an indeterminate verdict.
 */
import type { ResolveOptions, ResolveResult, Resolver, ResolverConfig } from '../api.js';
import { Name } from '../wire/name.js';
import { RCODE, T, type Message, type RR } from '../wire/types.js';
import { decodeMessage, encodeMessage } from '../wire/message.js';
import { DEFAULT_UDP_SIZE, queryMessage, randomId } from '../wire/query.js';
import { encodePadded } from '../wire/padding.js';
import { TransportError } from '../transport/transport.js';
import type { UpstreamClient } from '../transport/upstream.js';
import { describeUpstream } from './upstream-url.js';
import { WorkBudget } from '../dnssec/budget.js';
import { asBogus, ChainOfTrust, type LookupAnswer } from '../dnssec/chain.js';
import { validateResponse } from '../dnssec/response.js';
import type { ZoneKeys } from '../dnssec/zone-keys.js';
import { EDE, indeterminate, insecure, type Verdict } from '../dnssec/verdict.js';
import { scrubResponse } from '../iterator/scrub.js';
import { replyMismatch } from '../iterator/exchange-check.js';
import { weakest } from '../iterator/zone-state.js';
import type { Logger } from '../resolve.js';
import { ResolutionError } from '../resolution-error.js';
import { checkRequest, keepInResult, type LookupStep } from '../request-checks.js';
import { UpstreamPool } from './pool.js';
import { ChainCache } from './chain-cache.js';
import { FORWARD_LIMITS } from './limits.js';
import { chainTarget } from './signer.js';
import { tlsaOwner } from '../tlsa-owner.js';

export interface ForwardingConfig extends Pick<ResolverConfig, 'trustAnchors' | 'clock' | 'policy' | 'workLimits' | 'limits'> {
  /** The forwarded zone (for messages) and its upstream clients, in configuration order. */
  zone: Name;
  clients: UpstreamClient[];
  /** Validated DNSKEY sets and finished walks, shared by every forwarded zone (keys are facts about zones). */
  keyCache: ChainCache;
  walkCache: ChainCache;
  logger?: Logger;
  forwardLimits?: typeof FORWARD_LIMITS;
}

interface Request {
  budget: WorkBudget;
  queries: number;
  deadlineMs: number;
  signal?: AbortSignal;
}

type Step = LookupStep;

export class ForwardingResolver implements Resolver {
  private readonly pool: UpstreamPool<UpstreamClient>;
  private readonly limits: typeof FORWARD_LIMITS;

  constructor(private readonly config: ForwardingConfig) {
    this.limits = config.forwardLimits ?? FORWARD_LIMITS;
    this.pool = new UpstreamPool(config.clients, this.limits);
  }

  async resolve(name: Name, type: number, opts: ResolveOptions = {}): Promise<ResolveResult> {
    const req: Request = { budget: new WorkBudget(this.config.workLimits), queries: 0, deadlineMs: this.config.clock.now() + this.config.limits.requestTimeoutMs };
    if (opts.signal) req.signal = opts.signal;
    try {
      return await this.chase(req, name, type, opts.cd === true);
    } catch (e) {
      return this.failure(name, type, e);
    }
  }

  resolveTLSA(host: Name | string, port: number, proto = 'tcp', opts: ResolveOptions = {}): Promise<ResolveResult> {
    return this.resolve(tlsaOwner(host, port, proto), T.TLSA, opts);
  }

  async close(): Promise<void> {
    await Promise.all(this.config.clients.map((c) => c.close()));
  }

  private failure(qname: Name, qtype: number, e: unknown): ResolveResult {
    let verdict: Verdict;
    if (e instanceof ResolutionError) {
      verdict = indeterminate(e.message, e.ede, e.code);
      this.config.logger?.info({ qname: qname.toString(), qtype, code: e.code }, e.message);
    } else {
      verdict = indeterminate(`internal error: ${e instanceof Error ? e.message : String(e)}`, EDE.OTHER, 'INTERNAL');
      this.config.logger?.error({ qname: qname.toString(), qtype, err: e }, 'forwarded resolution failed');
    }
    return { qname, qtype, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict };
  }

  /** Follows CNAME/DNAME links across zones up to maxCnameChain, the weakest link deciding the verdict. */
  private async chase(req: Request, qname: Name, qtype: number, cd: boolean): Promise<ResolveResult> {
    const answer: RR[] = [];
    const verdicts: Verdict[] = [];
    const seen = new Set<string>([qname.key]);
    for (let name = qname, links = 0; ; links++) {
      const step = cd ? await this.unchecked(req, name, qtype) : await this.validated(req, name, qtype);
      answer.push(...step.answer);
      verdicts.push(step.verdict);
      // RFC 4035 §5.5: bogus data never reaches the client.
      if (step.verdict.status === 'bogus') return { qname, qtype, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict: step.verdict };
      if (!step.next) return { qname, qtype, rcode: step.rcode, answer, authority: step.authority, verdict: weakest(verdicts) };
      if (links >= this.config.limits.maxCnameChain) {
        throw new ResolutionError('CNAME_CHAIN', EDE.OTHER, `CNAME/DNAME chain longer than maxCnameChain (${this.config.limits.maxCnameChain}) at ${step.next}`);
      }
      if (seen.has(step.next.key)) throw new ResolutionError('CNAME_CHAIN', EDE.OTHER, `CNAME/DNAME loop at ${step.next}`);
      seen.add(step.next.key);
      name = step.next;
    }
  }

  /** CD=1 from the client: the upstream's data as it is, not validated (RFC 4035 §3.2.2). */
  private async unchecked(req: Request, qname: Name, qtype: number): Promise<Step> {
    const msg = await this.exchange(req, qname, qtype);
    return { rcode: msg.rcode, answer: msg.answer, authority: msg.authority, verdict: insecure('checking disabled (CD=1): not validated') };
  }

  private async validated(req: Request, qname: Name, qtype: number): Promise<Step> {
    const msg = await this.exchange(req, qname, qtype);
    const keys = await this.walk(req, chainTarget(msg, qname, qtype));
    if (keys.verdict.status === 'secure') return this.checkAnswer(req, msg, qname, qtype, keys);
    if (keys.verdict.status !== 'insecure') return { rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict: asBogus(keys.verdict) };
    // Proven insecure (or no anchor above): the data stands unvalidated; a link leaving the name is asked anew
    // so the zone of its target gets its own verdict.
    const scrubbed = scrubResponse(msg, qname, qtype, Name.ROOT, 1);
    const link = scrubbed.chain.links[0];
    if (link && !link.to.equals(qname)) {
      return { rcode: RCODE.NOERROR, answer: scrubbed.message.answer.filter((rr) => !rr.name.equals(link.to)), authority: [], verdict: keys.verdict, next: link.to };
    }
    return { rcode: msg.rcode, answer: scrubbed.message.answer, authority: scrubbed.message.authority.filter((rr) => keepInResult(rr, msg.answer.length === 0)), verdict: keys.verdict };
  }

  /** The answer checked with the keys of the zone that signed it (RFC 4035 §5.3–§5.4). */
  private checkAnswer(req: Request, msg: Message, qname: Name, qtype: number, keys: ZoneKeys): Step {
    const scrubbed = scrubResponse(msg, qname, qtype, keys.zone, this.config.limits.maxCnameChain + 1);
    const leftZone = scrubbed.chain.leftZone;
    const rcode = leftZone ? RCODE.NOERROR : msg.rcode;
    const v = validateResponse({
      qname, qtype, rcode, answer: scrubbed.message.answer, authority: scrubbed.message.authority, keys,
      now: this.nowSeconds(), policy: this.config.policy, budget: req.budget,
    });
    if (v.verdict.status === 'secure') {
      const step: Step = { rcode, answer: v.answer, authority: v.authority, verdict: v.verdict };
      if (v.next) step.next = v.next;
      return step;
    }
    // Insecure inside a signed zone (an Opt-Out span, NSEC3 iterations over the cap: RFC 5155 §9.2, RFC 9276
    // §3.2) keeps its data, as iteration does; bogus and indeterminate never do (RFC 4035 §5.5).
    if (v.verdict.status !== 'insecure') return { rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict: asBogus(v.verdict) };
    const negative = scrubbed.message.answer.length === 0;
    return { rcode, answer: scrubbed.message.answer, authority: scrubbed.message.authority.filter((rr) => keepInResult(rr, negative)), verdict: v.verdict };
  }

  /** The chain of trust down to `zone`, shared across requests (ChainCache) and fetched through the upstreams. */
  private walk(req: Request, zone: Name): Promise<ZoneKeys> {
    const known = this.config.walkCache.get(zone);
    if (known) return known;
    const chain = new ChainOfTrust({
      anchors: this.config.trustAnchors,
      lookup: (name, type) => this.lookup(req, name, type),
      keys: this.config.keyCache,
      policy: this.config.policy,
      budget: req.budget,
      now: () => this.nowSeconds(),
      onKeys: (k) => this.config.logger?.debug({ zone: k.zone.toString(), status: k.verdict.status, reason: k.verdict.reason }, 'zone keys'),
    });
    const pending = chain.walk(zone);
    this.config.walkCache.set(zone, pending);
    return pending;
  }

  private async lookup(req: Request, name: Name, type: number): Promise<LookupAnswer> {
    const msg = await this.exchange(req, name, type);
    return { rcode: msg.rcode, answer: msg.answer, authority: msg.authority };
  }

  /** Asks the zone's upstreams, best first, until one gives a NOERROR or NXDOMAIN reply to this question. */
  private async exchange(req: Request, name: Name, type: number): Promise<Message> {
    this.checkRequest(req);
    if (++req.queries > this.config.limits.maxUpstreamQueries) {
      throw new ResolutionError('QUERY_BUDGET', EDE.OTHER, `more than maxUpstreamQueries (${this.config.limits.maxUpstreamQueries}) upstream queries for one request`);
    }
    const { order, retryInMs } = this.pool.choose(this.config.clock.now());
    if (order.length === 0) {
      throw new ResolutionError('NO_REACHABLE_AUTHORITY', EDE.NO_REACHABLE_AUTHORITY,
        `every upstream of ${this.config.zone} is down (${this.pool.lastErrors().join('; ')}); next try in ${retryInMs} ms`);
    }
    const problems: string[] = [];
    for (const client of order) {
      const outcome = await this.askOne(req, client, name, type);
      if (typeof outcome !== 'string') return outcome;
      problems.push(`${describeUpstream(client.upstream)}: ${outcome}`);
    }
    throw new ResolutionError('NO_REACHABLE_AUTHORITY', EDE.NO_REACHABLE_AUTHORITY, `no upstream of ${this.config.zone} answered ${name} ${type} (${problems.join('; ')})`);
  }

  /** One query to one upstream: the reply, or why it is unusable (health recorded either way). */
  private async askOne(req: Request, client: UpstreamClient, name: Name, type: number): Promise<Message | string> {
    const id = randomId();
    // RD=1: the upstream recurses; DO=1: RRSIGs please; CD=1: hand over data it would call bogus (RFC 4035 §3.2.2).
    const q = queryMessage({ id, name, type, rd: true, cd: true, do: true, udpSize: DEFAULT_UDP_SIZE });
    // RFC 8467 §4.1: pad queries on encrypted transports to a multiple of 128 octets.
    const wire = client.encrypted ? encodePadded(q) : encodeMessage(q, { compress: false });
    const start = this.config.clock.now();
    const timeoutMs = Math.max(1, Math.min(this.limits.queryTimeoutMs, req.deadlineMs - start));
    let bytes: Uint8Array;
    try {
      bytes = await client.query(wire, { timeoutMs, ...(req.signal ? { signal: req.signal } : {}) });
    } catch (e) {
      if (req.signal?.aborted) throw new ResolutionError('ABORTED', EDE.OTHER, 'request aborted');
      if (!(e instanceof TransportError)) throw e;
      if (e.code === 'TIMEOUT') this.pool.recordTimeout(client, this.config.clock.now(), e.message);
      else this.pool.recordFailure(client, this.config.clock.now(), e.message);
      return e.message;
    }
    let msg: Message;
    try {
      msg = decodeMessage(bytes);
    } catch (e) {
      this.pool.recordFailure(client, this.config.clock.now(), 'malformed reply');
      return `malformed reply (${e instanceof Error ? e.message : String(e)})`;
    }
    const problem = replyMismatch(msg, id, name, type) ?? rcodeProblem(msg.rcode);
    if (problem) {
      // SERVFAIL is about this name (its authorities), not the upstream: the next upstream may do better.
      if (msg.rcode !== RCODE.SERVFAIL) this.pool.recordFailure(client, this.config.clock.now(), problem);
      return problem;
    }
    this.pool.recordSuccess(client, Math.max(0, this.config.clock.now() - start));
    return msg;
  }

  private checkRequest(req: Request): void {
    checkRequest(req, this.config.clock, this.config.limits.requestTimeoutMs);
  }

  private nowSeconds(): number {
    return Math.floor(this.config.clock.now() / 1000);
  }
}

/** Only NOERROR and NXDOMAIN carry an answer; anything else from an upstream is a failure to resolve. */
function rcodeProblem(rcode: number): string | undefined {
  return rcode === RCODE.NOERROR || rcode === RCODE.NXDOMAIN ? undefined : `upstream answered rcode ${rcode}`;
}
