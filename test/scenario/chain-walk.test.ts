/**
 * The chain of trust on its own (resolver/dnssec/chain.ts), driven the way a forwarding resolver drives it: no
 * iteration, no referrals, every DS and DNSKEY asked through one scripted "upstream" that answers from all the
 * zones at once (what a CD=1 recursive upstream returns). RFC 4035 §5: anchor -> DS -> DNSKEY at every cut.
 */
import { describe, expect, it } from 'vitest';
import { ChainOfTrust, RequestKeyStore, type LookupAnswer } from '../../resolver/dnssec/chain.js';
import { DEFAULT_POLICY } from '../../resolver/dnssec/policy.js';
import { DEFAULT_WORK_LIMITS, WorkBudget } from '../../resolver/dnssec/budget.js';
import { EDE } from '../../resolver/dnssec/verdict.js';
import type { Name } from '../../resolver/wire/name.js';
import { T, typeName, type RR } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { answerFrom } from './authority.js';
import { buildHierarchy, NOW_S, type Hierarchy, type ZoneDef } from './hierarchy.js';
import { standardZones } from './zones.js';

/** A forwarder's upstream: every question answered from every zone, as a CD=1 recursive resolver would. */
function upstream(h: Hierarchy, tamper: (name: Name, type: number, a: LookupAnswer) => LookupAnswer = (_n, _t, a) => a) {
  const asked: string[] = [];
  const zones = [...h.zones.values()];
  const lookup = async (name: Name, type: number): Promise<LookupAnswer> => {
    asked.push(`${name} ${typeName(type)}`);
    const s = answerFrom(zones, name, type);
    return tamper(name, type, { rcode: s.rcode, answer: s.answer, authority: s.authority });
  };
  return { asked, lookup };
}

function chainOver(h: Hierarchy, lookup: (name: Name, type: number) => Promise<LookupAnswer>, anchors: RR[] = h.rootAnchor): ChainOfTrust {
  return new ChainOfTrust({ anchors, lookup, keys: new RequestKeyStore(), policy: DEFAULT_POLICY, budget: new WorkBudget(DEFAULT_WORK_LIMITS), now: () => NOW_S });
}

const isSig = (rr: RR, covered: number): boolean => rr.type === T.RRSIG && ((rr.rdata[0]! << 8) | rr.rdata[1]!) === covered;

/** The standard zones plus deep.ent.example.com., delegated below the empty non-terminal ent.example.com. */
function withDeepZone(): ZoneDef[] {
  const zones = standardZones().map((z) => (z.apex === 'example.com.'
    ? { ...z, text: `${z.text}deep.ent NS ns1.deep.ent.example.com.\nns1.deep.ent A 192.0.2.25\n` }
    : z));
  zones.push({ apex: 'deep.ent.example.com.', servers: ['192.0.2.25'], text: '@ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.25\nwww A 192.0.2.26\n' });
  return zones;
}

describe('chain of trust over a forwarder-style lookup (RFC 4035 §5)', () => {
  it('walks root -> com -> example.com with one DS and one DNSKEY question per cut', async () => {
    const h = buildHierarchy(standardZones());
    const up = upstream(h);
    const keys = await chainOver(h, up.lookup).walk(n('example.com'));
    expect(keys.verdict.status, keys.verdict.reason).toBe('secure');
    expect(keys.keys.every((k) => k.type === T.DNSKEY && k.name.equals(n('example.com')))).toBe(true);
    expect(up.asked).toEqual(['. DNSKEY', 'com. DS', 'com. DNSKEY', 'example.com. DS', 'example.com. DNSKEY']);
  });

  it('reuses the key store: a second walk below the same zones asks only what is new', async () => {
    const h = buildHierarchy(standardZones());
    const up = upstream(h);
    const chain = chainOver(h, up.lookup);
    await chain.walk(n('example.com'));
    up.asked.length = 0;
    const keys = await chain.walk(n('com'));
    expect(keys.verdict.status).toBe('secure');
    expect(up.asked).toEqual(['com. DS']);
  });

  it('passes over a name that is no cut (an empty non-terminal) and reaches the zone below it', async () => {
    const h = buildHierarchy(withDeepZone());
    const up = upstream(h);
    const keys = await chainOver(h, up.lookup).walk(n('deep.ent.example.com'));
    expect(keys.verdict.status, keys.verdict.reason).toBe('secure');
    expect(up.asked).toContain('ent.example.com. DS');
    expect(up.asked).not.toContain('ent.example.com. DNSKEY');
    expect(up.asked.at(-1)).toBe('deep.ent.example.com. DNSKEY');
  });

  it('a name that is no cut cannot be the signer zone: bogus', async () => {
    const h = buildHierarchy(withDeepZone());
    const keys = await chainOver(h, upstream(h).lookup).walk(n('ent.example.com'));
    expect(keys.verdict.status).toBe('bogus');
  });

  it('an unsigned delegation proven by NSEC ends the chain insecure (RFC 4035 §5.2)', async () => {
    const h = buildHierarchy(standardZones());
    const keys = await chainOver(h, upstream(h).lookup).walk(n('insecure.com'));
    expect(keys.verdict.status, keys.verdict.reason).toBe('insecure');
  });

  it('stripped RRSIGs over the DS RRset: bogus, not insecure (RFC 4035 §5.2)', async () => {
    const h = buildHierarchy(standardZones());
    const up = upstream(h, (name, type, a) => (type === T.DS && name.equals(n('example.com')) ? { ...a, answer: a.answer.filter((rr) => !isSig(rr, T.DS)) } : a));
    const keys = await chainOver(h, up.lookup).walk(n('example.com'));
    expect(keys.verdict.status).toBe('bogus');
    expect(keys.keys).toEqual([]);
  });

  it('stripped RRSIGs over the DNSKEY RRset: bogus (RFC 4035 §5.2)', async () => {
    const h = buildHierarchy(standardZones());
    const up = upstream(h, (name, type, a) => (type === T.DNSKEY && name.equals(n('com')) ? { ...a, answer: a.answer.filter((rr) => !isSig(rr, T.DNSKEY)) } : a));
    const keys = await chainOver(h, up.lookup).walk(n('example.com'));
    expect(keys.verdict.status).toBe('bogus');
    expect(up.asked).not.toContain('example.com. DS');
  });

  it('a DS answer stripped of DS and proof alike (an upstream hiding the DS) is bogus', async () => {
    const h = buildHierarchy(standardZones());
    const up = upstream(h, (name, type, a) => (type === T.DS && name.equals(n('example.com')) ? { ...a, answer: [], authority: [] } : a));
    const keys = await chainOver(h, up.lookup).walk(n('example.com'));
    expect(keys.verdict.status).toBe('bogus');
  });

  it('a DS that matches no key of the child is bogus with EDE DNSKEY Missing (RFC 8914 §4.10)', async () => {
    const h = buildHierarchy(standardZones());
    const keys = await chainOver(h, upstream(h).lookup).walk(n('wrongds.com'));
    expect(keys.verdict.status).toBe('bogus');
    expect(keys.verdict.ede).toBe(EDE.DNSKEY_MISSING);
  });

  it('without an anchor above the zone the chain is insecure and asks nothing (RFC 4035 §4.3)', async () => {
    const h = buildHierarchy(standardZones());
    const up = upstream(h);
    const keys = await chainOver(h, up.lookup, []).walk(n('example.com'));
    expect(keys.verdict.status).toBe('insecure');
    expect(up.asked).toEqual([]);
  });
});
