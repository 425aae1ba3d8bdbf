/**
 * A forged priming reply must not pin the resolver to an attacker's root servers (RFC 8109 §3.3: the servers'
 * addresses in the priming reply are unsigned glue). An on-path attacker rewrites the addresses in the reply to
 * `. NS`; the next request must prime again from the hints once the primed servers prove useless: their root
 * DNSKEY set does not validate against the trust anchor, or none of them answers.
 */
import { describe, expect, it } from 'vitest';
import { coveredType, rdataName } from '../../resolver/iterator/records.js';
import { CLASS_IN, RCODE, T, type Message } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor, type Hierarchy } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';

/** The attacker's server (a documentation address: the scripted network sends no packet anywhere). */
const EVIL = '198.51.100.66';

/** While `forging()` is true, the root servers' priming replies carry EVIL as every root server's address. */
function forgePriming(h: Hierarchy, forging: () => boolean): void {
  const evil = new Uint8Array(EVIL.split('.').map(Number));
  for (const a of [ADDR.rootA, ADDR.rootB]) {
    h.net.setTamper(a, (reply: Message, query: Message) => {
      const q = query.question[0]!;
      if (!forging() || !q.name.isRoot || q.type !== T.NS) return reply;
      const glue = reply.answer.filter((rr) => rr.type === T.NS).map((rr) => ({ name: rdataName(rr), type: T.A, class: CLASS_IN, ttl: 3600, rdata: evil }));
      return { ...reply, additional: [...reply.additional.filter((rr) => rr.type !== T.A && rr.type !== T.AAAA), ...glue] };
    });
  }
}

describe('forged priming replies (RFC 8109 §3.3)', () => {
  it('primed servers whose root DNSKEY set is bogus are dropped: the next request re-primes from the hints and is secure', async () => {
    const h = buildHierarchy(standardZones());
    // The attacker serves the real root zone but cannot sign for the anchor's key: its DNSKEY set has no valid RRSIG.
    const root = h.zones.get(n('.').key)!;
    h.net.add({
      address: EVIL,
      zones: [root],
      tamper: (reply) => ({ ...reply, answer: reply.answer.filter((rr) => !(rr.type === T.RRSIG && coveredType(rr) === T.DNSKEY)) }),
    });
    let forging = true;
    forgePriming(h, () => forging);
    const resolver = resolverFor(h);
    const first = await resolver.resolve(n('www.example.com'), T.A);
    expect([first.rcode, first.verdict.status], first.verdict.reason).toEqual([RCODE.SERVFAIL, 'bogus']);
    forging = false;
    const second = await resolver.resolve(n('www.example.com'), T.A);
    expect([second.rcode, second.verdict.status], second.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    expect(h.net.log.filter((q) => q.address === EVIL).length).toBeGreaterThan(0);
  });

  it('primed servers that never answer are dropped: the next request re-primes from the hints and is secure', async () => {
    const h = buildHierarchy(standardZones());
    h.net.add({ address: EVIL, zones: [], behaviour: 'closed' });
    let forging = true;
    forgePriming(h, () => forging);
    const resolver = resolverFor(h);
    const first = await resolver.resolve(n('www.example.com'), T.A);
    expect(first.rcode).toBe(RCODE.SERVFAIL);
    forging = false;
    const second = await resolver.resolve(n('www.example.com'), T.A);
    expect([second.rcode, second.verdict.status], second.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
  });
});
