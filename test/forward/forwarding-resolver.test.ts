/**
 * The forwarding resolver's own logic with scripted upstream clients (no network): the query it sends (RD, DO,
 * CD, padding on encrypted transports), failover to the next upstream, and the immediate SERVFAIL/EDE 22 when
 * every upstream is in its backoff. Validation against real signed data is in test/e2e/forwarding.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ForwardingResolver } from '../../resolver/forward/resolver.js';
import { ChainCache } from '../../resolver/forward/chain-cache.js';
import { parseUpstreamUrl } from '../../resolver/forward/upstream-url.js';
import type { UpstreamClient, UpstreamQueryOptions } from '../../resolver/transport/upstream.js';
import { TransportError } from '../../resolver/transport/transport.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { EDNS_OPTION } from '../../resolver/wire/edns.js';
import { Name } from '../../resolver/wire/name.js';
import { CLASS_IN, RCODE, T, type Message } from '../../resolver/wire/types.js';
import { FixedClock } from '../../resolver/clock.js';
import { DEFAULT_POLICY } from '../../resolver/dnssec/policy.js';
import { DEFAULT_WORK_LIMITS } from '../../resolver/dnssec/budget.js';
import { DEFAULT_LIMITS } from '../../resolver/limits.js';
import { EDE } from '../../resolver/dnssec/verdict.js';
import { FORWARD_LIMITS } from '../../resolver/forward/limits.js';

class ScriptedClient implements UpstreamClient {
  readonly upstream;
  sent: Message[] = [];
  sizes: number[] = [];
  constructor(url: string, readonly encrypted: boolean, private readonly behave: (q: Message) => Message | Error) {
    this.upstream = parseUpstreamUrl(url);
  }
  async query(wire: Uint8Array, _opts: UpstreamQueryOptions): Promise<Uint8Array> {
    const q = decodeMessage(wire);
    this.sent.push(q);
    this.sizes.push(wire.length);
    const r = this.behave(q);
    if (r instanceof Error) throw r;
    return encodeMessage(r);
  }
  async close(): Promise<void> {}
}

/** An unsigned A answer (no trust anchor is configured in these tests, so it is insecure). */
function answer(q: Message): Message {
  const question = q.question[0]!;
  return {
    id: q.id, flags: { qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: true, ad: true, cd: true }, rcode: RCODE.NOERROR,
    question: [question],
    answer: [{ name: question.name, type: T.A, class: CLASS_IN, ttl: 60, rdata: Uint8Array.of(192, 0, 2, 7) }],
    authority: [], additional: [],
  };
}

function forwarder(clients: UpstreamClient[], clock = new FixedClock(1_700_000_000_000)): ForwardingResolver {
  return new ForwardingResolver({
    zone: Name.ROOT, clients, keyCache: new ChainCache(clock), walkCache: new ChainCache(clock),
    trustAnchors: [], clock, policy: DEFAULT_POLICY, workLimits: DEFAULT_WORK_LIMITS, limits: DEFAULT_LIMITS,
  });
}

const NAME = Name.parse('www.example.');

describe('forwarding resolver', () => {
  it('asks with RD=1, DO=1 and CD=1, pads encrypted queries to 128 octets, and ignores the upstream AD bit', async () => {
    const dot = new ScriptedClient('tls://192.0.2.1?name=r.example', true, answer);
    const r = await forwarder([dot]).resolve(NAME, T.A);
    const q = dot.sent[0]!;
    expect(q.flags.rd && q.flags.cd && q.edns!.do).toBe(true);
    expect(q.edns!.options.some((o) => o.code === EDNS_OPTION.PADDING)).toBe(true);
    expect(dot.sizes[0]! % 128).toBe(0);
    // No anchor covers the name: insecure, whatever AD the upstream set (RFC 4035 §4.3).
    expect(r.verdict.status).toBe('insecure');
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.answer).toHaveLength(1);
  });

  it('sends plain-DNS queries unpadded', async () => {
    const udp = new ScriptedClient('udp://192.0.2.1', false, answer);
    await forwarder([udp]).resolve(NAME, T.A);
    expect(udp.sent[0]!.edns!.options).toHaveLength(0);
  });

  it('fails over to the next upstream when one fails, and asks the healthy one first afterwards', async () => {
    const bad = new ScriptedClient('tls://192.0.2.1?name=r.example', true, () => new TransportError('NETWORK', 'connection reset'));
    const good = new ScriptedClient('tls://192.0.2.2?name=r.example', true, answer);
    const f = forwarder([bad, good]);
    expect((await f.resolve(NAME, T.A)).rcode).toBe(RCODE.NOERROR);
    expect(bad.sent).toHaveLength(1);
    expect((await f.resolve(Name.parse('other.example.'), T.A)).rcode).toBe(RCODE.NOERROR);
    expect(bad.sent).toHaveLength(1); // still in its backoff
  });

  it('tries the next upstream on SERVFAIL, and does not put an upstream that answered SERVFAIL in backoff', async () => {
    const servfail = new ScriptedClient('udp://192.0.2.1', false, (q) => ({ ...answer(q), rcode: RCODE.SERVFAIL, answer: [] }));
    const good = new ScriptedClient('udp://192.0.2.2', false, answer);
    expect((await forwarder([servfail, good]).resolve(NAME, T.A)).rcode).toBe(RCODE.NOERROR);
    // SERVFAIL is about the name (its authorities), not the upstream: alone, it is asked again next time.
    const alone = forwarder([servfail]);
    const r = await alone.resolve(NAME, T.A);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.verdict.reason).toMatch(/upstream answered rcode 2/);
    await alone.resolve(NAME, T.A);
    expect(servfail.sent).toHaveLength(3);
  });

  it('with every upstream down: SERVFAIL, EDE 22 at once, no query sent', async () => {
    const clock = new FixedClock(1_700_000_000_000);
    const a = new ScriptedClient('tls://192.0.2.1?name=r.example', true, () => new TransportError('REFUSED', 'ECONNREFUSED'));
    const b = new ScriptedClient('https://192.0.2.2/dns-query', true, () => new TransportError('AUTH', 'SPKI pins'));
    const f = forwarder([a, b], clock);
    const first = await f.resolve(NAME, T.A);
    expect(first.rcode).toBe(RCODE.SERVFAIL);
    expect(first.verdict).toMatchObject({ status: 'indeterminate', ede: EDE.NO_REACHABLE_AUTHORITY });
    expect(first.verdict.reason).toMatch(/no upstream of \. answered/);
    const second = await f.resolve(NAME, T.A);
    expect(second.verdict.ede).toBe(EDE.NO_REACHABLE_AUTHORITY);
    expect(second.verdict.reason).toMatch(/every upstream of \. is down .*next try in \d+ ms/);
    expect(a.sent.length + b.sent.length).toBe(2);
    clock.advance(60_000);
    await f.resolve(NAME, T.A);
    expect(a.sent.length + b.sent.length).toBe(4); // probed again after the backoff
  });

  it('a timeout alone does not put an upstream in its backoff; timeoutsBeforeDown in a row do', async () => {
    const slow = new ScriptedClient('udp://192.0.2.1', false, () => new TransportError('TIMEOUT', 'no reply within 3000 ms'));
    const f = forwarder([slow]);
    for (let i = 0; i < FORWARD_LIMITS.timeoutsBeforeDown; i++) {
      expect((await f.resolve(NAME, T.A)).verdict.reason).toMatch(/no upstream of \. answered/);
    }
    expect(slow.sent).toHaveLength(FORWARD_LIMITS.timeoutsBeforeDown);
    expect((await f.resolve(NAME, T.A)).verdict.reason).toMatch(/every upstream of \. is down/);
    expect(slow.sent).toHaveLength(FORWARD_LIMITS.timeoutsBeforeDown);
  });
});
