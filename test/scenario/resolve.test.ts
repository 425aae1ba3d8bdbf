/**
 * Scenario tests: the resolver against the scripted network at a fixed date (test/scenario/*). Each scenario
 * names the RFC behaviour it checks; broken cases sign correctly and break exactly one thing.
 */
import { describe, expect, it } from 'vitest';
import { EDE } from '../../resolver/dnssec/verdict.js';
import { DEFAULT_LIMITS } from '../../resolver/limits.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { makeDs, n } from '../support/signer.js';
import { buildHierarchy, NOW_MS, resolverFor, type Hierarchy } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';
import type { ResolveResult } from '../../resolver/api.js';

const types = (r: ResolveResult): string[] => r.answer.map((x) => `${x.name} ${x.type}`);

async function resolveIn(h: Hierarchy, name: string, type: number, overrides = {}): Promise<ResolveResult> {
  return resolverFor(h, overrides).resolve(n(name), type);
}

describe('secure resolution root -> TLD -> zone (RFC 4035 §5)', () => {
  it('answers with the RRset and its RRSIG, verdict secure', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.example.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(types(r)).toEqual(['www.example.com. 1', 'www.example.com. 46']);
  });

  it('sends EDNS0 with a 1232-byte buffer, DO=1, RD=0 and a fresh ID on every upstream query', async () => {
    const h = buildHierarchy(standardZones());
    await resolveIn(h, 'www.example.com', T.A);
    expect(h.net.log.length).toBeGreaterThan(4);
    for (const q of h.net.log) expect([q.do, q.rd, q.udpSize]).toEqual([true, false, 1232]);
    expect(new Set(h.net.log.map((q) => q.id)).size).toBeGreaterThan(h.net.log.length - 2);
  });

  it('resolveTLSA asks for _443._tcp.host (RFC 6698 §3)', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolverFor(h).resolveTLSA('www.example.com', 443);
    expect(r.qname.toString()).toBe('_443._tcp.www.example.com.');
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.answer.filter((x) => x.type === T.TLSA)).toHaveLength(1);
  });

  it('fetches each DNSKEY set once per request', async () => {
    const h = buildHierarchy(standardZones());
    await resolveIn(h, 'alias.example.com', T.A); // example.com -> example.net, both under signed TLDs
    const dnskeyQueries = h.net.log.filter((q) => q.qtype === 'DNSKEY').map((q) => q.qname);
    expect(dnskeyQueries.sort()).toEqual(['.', 'com.', 'example.com.', 'example.net.', 'net.']);
  });

  it('answers a DS query from the parent side of the cut (RFC 4035 §3.1.4.1)', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'example.com', T.DS);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.answer.some((x) => x.type === T.DS)).toBe(true);
    expect(h.net.asked(ADDR.com)).toContain('example.com. DS');
  });
});

describe('a parent server that also serves the child', () => {
  it('finds the cut inside the reply, gets the DS from the parent side and validates in the child', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.cohosted.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(h.net.asked(ADDR.com)).toEqual(expect.arrayContaining(['cohosted.com. A', 'cohosted.com. DS', 'cohosted.com. DNSKEY', 'www.cohosted.com. A']));
  });
});

describe('insecure and bogus', () => {
  it('an unsigned child proven by the parent NSEC is insecure (RFC 4035 §5.2)', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.insecure.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('insecure');
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(types(r)).toEqual(['www.insecure.com. 1']);
    expect(h.net.asked(ADDR.insecure)).not.toContain('insecure.com. DNSKEY');
  });

  it('data altered after signing is bogus: SERVFAIL, no data, EDE set', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.broken.com', T.A);
    expect(r.verdict.status).toBe('bogus');
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.answer).toEqual([]);
    expect(r.verdict.ede).toBeDefined();
  });

  it.each<[string, number, string]>([
    ['www.expired.com', EDE.SIGNATURE_EXPIRED, 'signatures expired (RFC 4035 §5.3.1)'],
    ['www.nosig.com', EDE.RRSIGS_MISSING, 'RRSIG withheld (RFC 4035 §5.3.1)'],
    ['www.wrongds.com', EDE.DNSKEY_MISSING, 'DS matches no DNSKEY (RFC 4035 §5.2)'],
  ])('%s is bogus with EDE %i: %s', async (name, ede) => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, name, T.A);
    expect([r.rcode, r.verdict.status, r.verdict.ede], r.verdict.reason).toEqual([RCODE.SERVFAIL, 'bogus', ede]);
  });

  it('CD=1 returns the data without validating (RFC 4035 §3.2.2)', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolverFor(h).resolve(n('www.broken.com'), T.A, { cd: true });
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.verdict.status).not.toBe('secure');
    expect(r.answer.some((x) => x.type === T.A)).toBe(true);
    expect(h.net.log.some((q) => q.qtype === 'DNSKEY')).toBe(false);
  });

  it('without any trust anchor everything is insecure', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.example.com', T.A, { trustAnchors: [] });
    expect(r.verdict.status).toBe('insecure');
    expect(h.net.log.some((q) => q.qtype === 'DNSKEY')).toBe(false);
  });
});

describe('CNAME and DNAME across zones (RFC 1034 §4.3.2, RFC 6672)', () => {
  it('follows a CNAME into another signed zone; answer in chain order', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'alias.example.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(types(r)).toEqual(['alias.example.com. 5', 'alias.example.com. 46', 'www.example.net. 1', 'www.example.net. 46']);
  });

  it('a chain into an insecure zone is insecure (the weakest link)', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'to-insecure.example.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('insecure');
    expect(r.answer.map((x) => x.type)).toContain(T.A);
  });

  it('follows a DNAME to the substituted name', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'x.old.example.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.answer.map((x) => `${x.name} ${x.type}`)).toContain('x.example.net. 1');
    expect(r.answer[0]!.type).toBe(T.DNAME);
  });

  it('a chain longer than maxCnameChain is SERVFAIL with a reason', async () => {
    const h = buildHierarchy(standardZones());
    const ok = await resolveIn(h, 'c1.example.com', T.A);
    expect(ok.verdict.status, ok.verdict.reason).toBe('secure');
    const r = await resolveIn(h, 'c1.example.com', T.A, { limits: { ...DEFAULT_LIMITS, maxCnameChain: 2 } });
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.verdict.reason).toMatch(/maxCnameChain/);
    expect(r.verdict.ede).toBe(EDE.OTHER);
  });
});

describe('negative answers', () => {
  it('NXDOMAIN with NSEC proofs is secure and carries SOA + NSEC in authority', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'nope.example.com', T.A);
    expect(r.rcode).toBe(RCODE.NXDOMAIN);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(r.authority.map((x) => x.type)).toEqual(expect.arrayContaining([T.SOA, T.NSEC, T.RRSIG]));
  });

  it('NODATA is secure', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.example.com', T.AAAA);
    expect([r.rcode, r.answer.length]).toEqual([RCODE.NOERROR, 0]);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
  });

  it('NXDOMAIN and NODATA under NSEC3 are secure', async () => {
    const h = buildHierarchy(standardZones());
    const nx = await resolveIn(h, 'nope.example.net', T.A);
    expect([nx.rcode, nx.verdict.status]).toEqual([RCODE.NXDOMAIN, 'secure']);
    const nd = await resolveIn(h, 'www.example.net', T.TXT);
    expect([nd.rcode, nd.verdict.status]).toEqual([RCODE.NOERROR, 'secure']);
  });

  it('a wildcard answer is secure', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'anything.wild.example.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(types(r)).toContain('anything.wild.example.com. 1');
  });
});

describe('QNAME minimisation (RFC 9156)', () => {
  it('each server sees only one label more than its zone', async () => {
    const h = buildHierarchy(standardZones());
    await resolveIn(h, 'www.example.com', T.A);
    // Each signed zone's DNSKEY query leaves together with the zone's first query (engine: keys prefetched).
    const root = [...h.net.asked(ADDR.rootA), ...h.net.asked(ADDR.rootB)];
    expect(root).toEqual(['. NS', '. DNSKEY', 'com. A']);
    expect(h.net.asked(ADDR.com)).toEqual(['com. DNSKEY', 'example.com. A']);
    const example = [...h.net.asked(ADDR.example1), ...h.net.asked(ADDR.example2)];
    expect(example).toEqual(['example.com. DNSKEY', 'www.example.com. A']);
  });

  it('goes through an empty non-terminal label by label', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'host.sub.ent.example.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const example = [...h.net.asked(ADDR.example1), ...h.net.asked(ADDR.example2)].filter((q) => !q.includes('DNSKEY'));
    expect(example).toEqual(['ent.example.com. A', 'sub.ent.example.com. A', 'host.sub.ent.example.com. A']);
  });

  it('falls back to the full name when a server says NXDOMAIN for an empty non-terminal (§2.3)', async () => {
    const h = buildHierarchy(standardZones());
    for (const a of [ADDR.example1, ADDR.example2]) {
      h.net.setTamper(a, (reply, query) => (query.question[0]!.name.toLowerCase().toString() === 'ent.example.com.' ? { ...reply, rcode: RCODE.NXDOMAIN, answer: [] } : reply));
    }
    const r = await resolveIn(h, 'host.sub.ent.example.com', T.A);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const example = [...h.net.asked(ADDR.example1), ...h.net.asked(ADDR.example2)].filter((q) => !q.includes('DNSKEY'));
    expect(example).toEqual(['ent.example.com. A', 'host.sub.ent.example.com. A']);
  });

  it('sends the full name everywhere when minimisation is off', async () => {
    const h = buildHierarchy(standardZones());
    await resolveIn(h, 'www.example.com', T.A, { qnameMinimisation: false });
    expect(h.net.asked(ADDR.com)).toContain('www.example.com. A');
  });
});

describe('transport behaviour', () => {
  it('retries over TCP when the UDP reply is truncated (RFC 7766 §5)', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'big.example.com', T.TXT);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const big = h.net.log.filter((q) => q.qname === 'big.example.com.');
    expect(big.map((q) => q.tcp)).toEqual([false, true]);
  });

  it('one dead server of two: answered by the other, and the dead one is avoided next time', async () => {
    const h = buildHierarchy(standardZones(), { [ADDR.example1]: 'silent' });
    const resolver = resolverFor(h);
    const r = await resolver.resolve(n('www.example.com'), T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    // The DNSKEY and A queries leave together, before the first timeout is known: each tries it once.
    expect(h.net.asked(ADDR.example1)).toEqual(['example.com. DNSKEY', 'www.example.com. A']);
    const before = h.net.count(ADDR.example1);
    await resolver.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    expect(h.net.count(ADDR.example1)).toBe(before);
  });

  it('skips REFUSED, lame and junk-answering servers', async () => {
    for (const behaviour of ['refused', 'lame', 'junk', 'closed', 'servfail'] as const) {
      const h = buildHierarchy(standardZones(), { [ADDR.example1]: behaviour });
      const r = await resolveIn(h, 'www.example.com', T.A);
      expect(r.verdict.status, `${behaviour}: ${r.verdict.reason}`).toBe('secure');
    }
  });

  it('all servers dead: SERVFAIL, indeterminate, EDE 22 No Reachable Authority', async () => {
    const h = buildHierarchy(standardZones(), { [ADDR.example1]: 'silent', [ADDR.example2]: 'silent' });
    const r = await resolveIn(h, 'www.example.com', T.A);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.verdict.status).toBe('indeterminate');
    expect(r.verdict.ede).toBe(EDE.NO_REACHABLE_AUTHORITY);
  });

  it('resolves NS names that have no glue with a sub-resolution', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.glueless.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(h.net.log.some((q) => q.qname === 'ns.hoster.net.' && q.qtype === 'A')).toBe(true);
  });
});

describe('limits', () => {
  it('a delegation loop through glueless NS names ends in SERVFAIL', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.loop1.com', T.A);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.verdict.ede).toBe(EDE.NO_REACHABLE_AUTHORITY);
    expect(h.net.count()).toBeLessThan(DEFAULT_LIMITS.maxUpstreamQueries);
  });

  it('glueless depth: with maxGluelessDepth 0 NS names without glue are not looked up', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.glueless.com', T.A, { limits: { ...DEFAULT_LIMITS, maxGluelessDepth: 0 } });
    expect([r.rcode, r.verdict.ede]).toEqual([RCODE.SERVFAIL, EDE.NO_REACHABLE_AUTHORITY]);
    expect(h.net.log.some((q) => q.qname === 'ns.hoster.net.')).toBe(false);
  });

  it('referral depth', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.example.com', T.A, { limits: { ...DEFAULT_LIMITS, maxReferralDepth: 1 } });
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.verdict.reason).toMatch(/maxReferralDepth/);
  });

  it('upstream query budget', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.example.com', T.A, { limits: { ...DEFAULT_LIMITS, maxUpstreamQueries: 3 } });
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.verdict.reason).toMatch(/maxUpstreamQueries/);
    expect(h.net.count()).toBe(3);
  });

  it('request timeout', async () => {
    const h = buildHierarchy(standardZones(), { [ADDR.example1]: 'silent', [ADDR.example2]: 'silent' });
    const r = await resolveIn(h, 'www.example.com', T.A, { limits: { ...DEFAULT_LIMITS, requestTimeoutMs: 300 } });
    expect(r.rcode).toBe(RCODE.SERVFAIL);
    expect(r.verdict.reason).toMatch(/requestTimeoutMs \(300 ms\)/);
    expect(r.verdict.ede).toBe(EDE.NO_REACHABLE_AUTHORITY);
    expect(h.clock.now() - NOW_MS).toBe(300); // the scripted timeouts used exactly the request's time
  });

  it('an aborted request ends at once', async () => {
    const h = buildHierarchy(standardZones());
    const ctl = new AbortController();
    ctl.abort();
    const r = await resolverFor(h).resolve(n('www.example.com'), T.A, { signal: ctl.signal });
    expect([r.rcode, r.verdict.id]).toEqual([RCODE.SERVFAIL, 'ABORTED']);
    expect(h.net.count()).toBe(0);
  });
});

describe('root priming and the address guard', () => {
  it('primes once (RFC 8109) and reuses the root NS set for later requests', async () => {
    const h = buildHierarchy(standardZones());
    const resolver = resolverFor(h);
    await resolver.resolve(n('www.example.com'), T.A);
    await resolver.resolve(n('www.example.net'), T.A);
    expect(h.net.log.filter((q) => q.qname === '.' && q.qtype === 'NS')).toHaveLength(1);
  });

  it('with the built-in hints a delegation to loopback is never queried', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.internal.com', T.A, { builtinHints: true });
    expect([r.rcode, r.verdict.ede]).toEqual([RCODE.SERVFAIL, EDE.NO_REACHABLE_AUTHORITY]);
    expect(h.net.count('127.0.0.1')).toBe(0);
    const h2 = buildHierarchy(standardZones());
    await resolveIn(h2, 'www.internal.com', T.A, { builtinHints: false });
    expect(h2.net.count('127.0.0.1')).toBeGreaterThan(0);
  });
});

describe('timeouts and retries', () => {
  it('a server that dropped one datagram is asked again with a doubled timeout', async () => {
    const h = buildHierarchy(standardZones());
    let dropped = 0;
    for (const a of [ADDR.example1, ADDR.example2]) {
      h.net.setTamper(a, (reply, query) => {
        if (dropped < 2 && query.question[0]!.name.equals(n('www.example.com'))) { dropped++; throw new Error('drop'); }
        return reply;
      });
    }
    const r = await resolveIn(h, 'www.example.com', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const tries = h.net.log.filter((q) => q.qname === 'www.example.com.');
    // Both servers lost one datagram; the retry round asks one of them again (which one depends on the RTTs
    // the concurrent DNSKEY query taught the resolver).
    expect(tries.map((q) => q.address).slice(0, 2)).toEqual([ADDR.example1, ADDR.example2]);
    expect(tries).toHaveLength(3);
  });
});

describe('logging', () => {
  it('logs through the injected pino-style logger', async () => {
    const h = buildHierarchy(standardZones());
    const lines: string[] = [];
    const rec = (obj: object, msg?: string): void => { lines.push(`${msg} ${JSON.stringify(obj)}`); };
    await resolveIn(h, 'www.example.com', T.A, { logger: { debug: rec, info: rec, warn: rec, error: rec } });
    expect(lines.some((l) => l.startsWith('referral'))).toBe(true);
    expect(lines.some((l) => l.startsWith('resolved'))).toBe(true);
  });
});

describe('trust anchors for private zones', () => {
  it('corp. (delegated without DS) is insecure from the root anchor alone', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolveIn(h, 'www.corp', T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('insecure');
  });

  it('with an anchor for corp. its answers are secure', async () => {
    const h = buildHierarchy(standardZones());
    const corpDs = makeDs(h.keys.get(n('corp').key)!.dnskey);
    const r = await resolveIn(h, 'www.corp', T.A, { trustAnchors: [...h.rootAnchor, corpDs] });
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
  });

  it('a wrong anchor for corp. makes its answers bogus', async () => {
    const h = buildHierarchy(standardZones());
    const wrong = makeDs(h.keys.get(n('example.com').key)!.dnskey);
    const r = await resolveIn(h, 'www.corp', T.A, { trustAnchors: [...h.rootAnchor, { ...wrong, name: n('corp') }] });
    expect(r.verdict.status).toBe('bogus');
    expect(r.rcode).toBe(RCODE.SERVFAIL);
  });
});
