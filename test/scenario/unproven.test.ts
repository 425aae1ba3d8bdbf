/**
 * Denials and answers never proven: every path from a reply to a verdict, each broken in exactly one place by a
 * tampering server, must end bogus (SERVFAIL, no data) rather than trust an rcode, a flag or a missing section.
 * RFC 4035 §5.4 (denial must be proven with verified NSEC), RFC 5155 §8 (NSEC3), RFC 6604 §3 (the rcode of a
 * CNAME/DNAME chain speaks for the last name only, and that name's denial needs its own proof), RFC 4035 §5.2
 * (an unsigned delegation must be proven by the parent).
 */
import { describe, expect, it } from 'vitest';
import { RCODE, T, type Message, type RR } from '../../resolver/wire/types.js';
import { coveredType } from '../../resolver/iterator/records.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor, type Hierarchy } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';
import type { ResolveResult } from '../../resolver/api.js';

/** The standard zones plus in-zone CNAMEs: one to an existing name, one to a name that does not exist. */
function zones(): ReturnType<typeof standardZones> {
  const defs = standardZones();
  for (const d of defs) {
    if (d.apex === 'example.com.') d.text += 'inzone CNAME www.example.com.\ndangling CNAME gone.example.com.\nloop1 CNAME loop2.example.com.\nloop2 CNAME loop1.example.com.\n';
    if (d.apex === 'example.net.') d.text += 'dangling CNAME gone.example.net.\n';
  }
  return defs;
}

const EXAMPLE_COM = [ADDR.example1, ADDR.example2];

/** Rewrites the replies of `servers` to questions for `qname` only. */
function tamper(h: Hierarchy, servers: readonly string[], qname: string, change: (reply: Message) => Message): void {
  for (const a of servers) h.net.setTamper(a, (reply, query) => (query.question[0]!.name.toLowerCase().toString() === qname ? change(reply) : reply));
}

const typeOf = (rr: RR): number => (rr.type === T.RRSIG ? coveredType(rr) : rr.type);
const withoutTypes = (rrs: RR[], ...types: number[]): RR[] => rrs.filter((rr) => !types.includes(typeOf(rr)));

async function resolve(h: Hierarchy, name: string, type: number): Promise<ResolveResult> {
  return resolverFor(h).resolve(n(name), type);
}

function expectBogus(r: ResolveResult): void {
  expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.SERVFAIL, 'bogus']);
  expect(r.answer).toEqual([]);
}

describe('CNAME/DNAME chains: the end of the chain is proven on its own (RFC 6604 §3, RFC 4035 §5.4)', () => {
  it('control: a signed CNAME to a missing in-zone name is a secure NXDOMAIN with its proof', async () => {
    const r = await resolve(buildHierarchy(zones()), 'dangling.example.com', T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NXDOMAIN, 'secure']);
  });

  it('NXDOMAIN + signed in-zone CNAME + empty authority is bogus, never NXDOMAIN with AD', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'dangling.example.com.', (m) => ({ ...m, authority: [] }));
    expectBogus(await resolve(h, 'dangling.example.com', T.A));
  });

  it('the CNAME target exists, the server claims NXDOMAIN with no proof: bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'inzone.example.com.', (m) => ({ ...m, rcode: RCODE.NXDOMAIN, answer: withoutTypes(m.answer, T.A), authority: [] }));
    expectBogus(await resolve(h, 'inzone.example.com', T.A));
  });

  it('same with NSEC3 (example.net.): NXDOMAIN after a CNAME with the NSEC3 proof removed is bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, [ADDR.exampleNet], 'dangling.example.net.', (m) => ({ ...m, authority: withoutTypes(m.authority, T.NSEC3) }));
    expectBogus(await resolve(h, 'dangling.example.net', T.A));
  });

  it('a signed CNAME loop answered NXDOMAIN with an empty authority section: SERVFAIL, never a secure NXDOMAIN', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'loop1.example.com.', (m) => ({ ...m, rcode: RCODE.NXDOMAIN, authority: [] }));
    const r = await resolve(h, 'loop1.example.com', T.A);
    expect(r.rcode, r.verdict.reason).toBe(RCODE.SERVFAIL);
    expect(r.verdict.status).not.toBe('secure');
  });

  it('NOERROR + in-zone CNAME without data or denial: the target is resolved on its own (and is secure)', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'inzone.example.com.', (m) => ({ ...m, answer: withoutTypes(m.answer, T.A), authority: [] }));
    const r = await resolve(h, 'inzone.example.com', T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    expect(r.answer.some((rr) => rr.type === T.A && rr.name.toString() === 'www.example.com.')).toBe(true);
  });

  it('a CNAME into another zone whose server claims NXDOMAIN with an empty authority section: bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, [ADDR.exampleNet], 'www.example.net.', (m) => ({ ...m, rcode: RCODE.NXDOMAIN, answer: [], authority: [] }));
    expectBogus(await resolve(h, 'alias.example.com', T.A));
  });

  it('a DNAME target whose server claims NXDOMAIN with an empty authority section: bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, [ADDR.exampleNet], 'www.example.net.', (m) => ({ ...m, rcode: RCODE.NXDOMAIN, answer: [], authority: [] }));
    expectBogus(await resolve(h, 'www.old.example.com', T.A));
  });
});

describe('negative answers: the rcode is a claim, the NSEC/NSEC3 records are the proof', () => {
  it('NODATA with its SOA but the NSEC removed: bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'www.example.com.', (m) => (m.answer.length === 0 ? { ...m, authority: withoutTypes(m.authority, T.NSEC) } : m));
    expectBogus(await resolve(h, 'www.example.com', T.AAAA));
  });

  it('NODATA turned into NXDOMAIN (the NSEC proves the name exists): bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'www.example.com.', (m) => (m.answer.length === 0 ? { ...m, rcode: RCODE.NXDOMAIN } : m));
    expectBogus(await resolve(h, 'www.example.com', T.AAAA));
  });

  it('NXDOMAIN turned into NODATA (the NSEC proves the name does not exist, not a missing type): bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'nope.example.com.', (m) => ({ ...m, rcode: RCODE.NOERROR }));
    expectBogus(await resolve(h, 'nope.example.com', T.A));
  });

  it('NXDOMAIN with the SOA but no NSEC3 (example.net.): bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, [ADDR.exampleNet], 'nope.example.net.', (m) => ({ ...m, authority: withoutTypes(m.authority, T.NSEC3) }));
    expectBogus(await resolve(h, 'nope.example.net', T.A));
  });

  it('NXDOMAIN with no authority section at all, AA set: bogus', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'nope.example.com.', (m) => ({ ...m, authority: [] }));
    expectBogus(await resolve(h, 'nope.example.com', T.A));
  });
});

describe('wildcards and delegations', () => {
  it('a wildcard expansion without the proof that the name itself does not exist: bogus (RFC 4035 §5.3.4)', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'x.wild.example.com.', (m) => ({ ...m, authority: [] }));
    expectBogus(await resolve(h, 'x.wild.example.com', T.A));
  });

  it('a referral to an unsigned child that says nothing about DS: the DS is asked of the parent and its denial proven', async () => {
    const h = buildHierarchy(zones());
    h.net.setTamper(ADDR.com, (m) => (m.authority.some((rr) => rr.type === T.NS && rr.name.toString() === 'insecure.com.') ? { ...m, authority: withoutTypes(m.authority, T.NSEC) } : m));
    const r = await resolve(h, 'www.insecure.com', T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'insecure']);
    expect(h.net.asked(ADDR.com)).toContain('insecure.com. DS');
  });

  it('... and when the parent\'s DS answer lacks the NSEC too: bogus, not insecure (RFC 4035 §5.2)', async () => {
    const h = buildHierarchy(zones());
    h.net.setTamper(ADDR.com, (m, q) => {
      const aboutChild = m.authority.some((rr) => rr.type === T.NS && rr.name.toString() === 'insecure.com.') || (q.question[0]!.type === T.DS && q.question[0]!.name.toLowerCase().toString() === 'insecure.com.');
      return aboutChild ? { ...m, authority: withoutTypes(m.authority, T.NSEC) } : m;
    });
    expectBogus(await resolve(h, 'www.insecure.com', T.A));
  });

  it('a DS query answered NODATA without the NSEC: bogus', async () => {
    const h = buildHierarchy(zones());
    h.net.setTamper(ADDR.com, (m, q) => (q.question[0]!.type === T.DS && q.question[0]!.name.toLowerCase().toString() === 'insecure.com.' ? { ...m, authority: withoutTypes(m.authority, T.NSEC) } : m));
    expectBogus(await resolve(h, 'insecure.com', T.DS));
  });

  it('AA cleared on a signed answer changes nothing: it is still validated and secure (RFC 2181 §5.4.1 lower rank)', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'www.example.com.', (m) => ({ ...m, flags: { ...m.flags, aa: false } }));
    const r = await resolve(h, 'www.example.com', T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
  });

  it('AA cleared on a signed answer whose RRSIG was removed: bogus, the lower rank is no excuse', async () => {
    const h = buildHierarchy(zones());
    tamper(h, EXAMPLE_COM, 'www.example.com.', (m) => ({ ...m, flags: { ...m.flags, aa: false }, answer: m.answer.filter((rr) => rr.type !== T.RRSIG) }));
    expectBogus(await resolve(h, 'www.example.com', T.A));
  });
});

describe('bogus data from one server: its peers are asked (BOGUS_RETRIES), never the bogus data believed', () => {
  /** Flips one byte of every RRSIG signature in a section, as a spoofer or a broken server would. */
  const corruptSigs = (rrs: RR[]): RR[] => rrs.map((rr) => {
    if (rr.type !== T.RRSIG) return rr;
    const rdata = Uint8Array.from(rr.rdata);
    rdata[rdata.length - 1]! ^= 0xff;
    return { ...rr, rdata };
  });

  it('a bad signature on the answer from one of two servers: secure from the other', async () => {
    const h = buildHierarchy(zones());
    h.net.setTamper(ADDR.example1, (m, q) => (q.question[0]!.type === T.A ? { ...m, answer: corruptSigs(m.answer) } : m));
    h.net.setTamper(ADDR.example2, (m, q) => (q.question[0]!.type === T.A ? { ...m, answer: corruptSigs(m.answer) } : m));
    expectBogus(await resolve(h, 'www.example.com', T.A));
    h.net.setTamper(ADDR.example2, undefined);
    const r = await resolve(h, 'www.example.com', T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
  });

  it('a bad signature on the DNSKEY set from one of two servers: the keys come from the other', async () => {
    const h = buildHierarchy(zones());
    h.net.setTamper(ADDR.example1, (m, q) => (q.question[0]!.type === T.DNSKEY ? { ...m, answer: corruptSigs(m.answer) } : m));
    const r = await resolve(h, 'www.example.com', T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    expect(h.net.asked(ADDR.example2)).toContain('example.com. DNSKEY');
  });

  it('a bad DS signature in the referral: the DS is asked again and validated on its own', async () => {
    const h = buildHierarchy(zones());
    h.net.setTamper(ADDR.com, (m) => ({ ...m, authority: corruptSigs(m.authority) }));
    const r = await resolve(h, 'www.example.com', T.A);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    expect(h.net.asked(ADDR.com)).toContain('example.com. DS');
  });

  it('... and stays bogus when the DS answer is bad too', async () => {
    const h = buildHierarchy(zones());
    h.net.setTamper(ADDR.com, (m) => ({ ...m, answer: corruptSigs(m.answer), authority: corruptSigs(m.authority) }));
    expectBogus(await resolve(h, 'www.example.com', T.A));
  });
});
