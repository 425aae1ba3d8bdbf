/**
 * QNAME minimisation against servers that mishandle the A probe (RFC 9156 §2.1, §2.3): servers that reply with
 * an error to a minimised A question get the same name with QTYPE NS before the full name is sent; servers that
 * do not reply at all get the full name at once.
 */
import { describe, expect, it } from 'vitest';
import { RCODE, T, type Message } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor, type Hierarchy } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';

/** The root servers mishandle `com. A`: `error` replies SERVFAIL, `silent` drops the query. */
function breakAProbe(h: Hierarchy, how: 'error' | 'silent'): void {
  for (const a of [ADDR.rootA, ADDR.rootB]) {
    h.net.setTamper(a, (reply: Message, query: Message) => {
      const q = query.question[0]!;
      if (q.type !== T.A || !q.name.equals(n('com'))) return reply;
      if (how === 'silent') throw new Error('dropped');
      return { ...reply, flags: { ...reply.flags, aa: false }, rcode: RCODE.SERVFAIL, answer: [], authority: [], additional: [] };
    });
  }
}

const asked = (h: Hierarchy, qname: string, qtype: string): number => h.net.log.filter((q) => q.qname === qname && q.qtype === qtype).length;

describe('minimised probes that fail (RFC 9156 §2.1)', () => {
  it('servers answering SERVFAIL to the A probe are asked the NS probe, and the answer stays secure', async () => {
    const h = buildHierarchy(standardZones());
    breakAProbe(h, 'error');
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    expect(asked(h, 'com.', 'NS')).toBeGreaterThan(0);
    // The full name never went to the root: the NS probe found the referral.
    expect(h.net.log.filter((q) => q.qname === 'www.example.com.' && (q.address === ADDR.rootA || q.address === ADDR.rootB))).toHaveLength(0);
  });

  it('servers that never reply to the A probe get the full name, not an NS probe', async () => {
    const h = buildHierarchy(standardZones());
    breakAProbe(h, 'silent');
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    expect(asked(h, 'com.', 'NS')).toBe(0);
  });
});
