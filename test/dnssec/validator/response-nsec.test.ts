/** validateResponse over an NSEC-signed zone: RFC 4035 §5.3 (answers), §3.1.3 and §5.4 (denial), §5.3.4 (wildcards). */
import { describe, expect, it } from 'vitest';
import { RCODE, T, type RR } from '../../../resolver/wire/types.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { validateResponse } from '../../../resolver/dnssec/response.js';
import { ALG, expandWildcard, generateKey, makeDs, n, nsecFor, rdata, rr, signRrset, signZone, sigsOf } from '../../support/signer.js';
import {
  APEX, CHILD, NOW, WINDOW, altered, budget, childKey, childZone, ksk, parentData, policy, responseInput, signedParent, trustedKeys, zsk,
} from './fixtures.js';
import { validateZoneKeys } from '../../../resolver/dnssec/zone-keys.js';

const f = signedParent('nsec');
const validate = (qname: string, qtype: number, rcode: number, answer: RR[], authority: RR[]) =>
  validateResponse(responseInput(f, qname, qtype, rcode, answer, authority));
const soa = f.set('example', T.SOA);

describe('RFC 4035 §5.3: positive answers', () => {
  it('a signed A RRset → secure answer, with RRSIGs and a TTL', () => {
    const r = validate('www.example', T.A, RCODE.NOERROR, f.set('www.example', T.A), []);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('answer');
    expect(r.answer.map((x) => x.type)).toEqual([T.A, T.RRSIG]);
    expect(r.ttl).toBe(3600);
  });

  it('a signed TLSA RRset → secure answer', () => {
    expect(validate('_443._tcp.www.example', T.TLSA, RCODE.NOERROR, f.set('_443._tcp.www.example', T.TLSA), []).verdict.status).toBe('secure');
  });

  it('the RRSIG missing → bogus, EDE 10', () => {
    const r = validate('www.example', T.A, RCODE.NOERROR, f.set('www.example', T.A).filter((x) => x.type !== T.RRSIG), []);
    expect(r.verdict).toMatchObject({ status: 'bogus', ede: EDE.RRSIGS_MISSING });
  });

  it('RDATA altered after signing → bogus, EDE 6', () => {
    const [a, sig] = f.set('www.example', T.A) as [RR, RR];
    expect(validate('www.example', T.A, RCODE.NOERROR, [altered(a), sig], []).verdict).toMatchObject({ status: 'bogus', ede: EDE.DNSSEC_BOGUS });
  });

  it('an expired signature → bogus, EDE 7; a future one → EDE 8', () => {
    const [a] = f.set('www.example', T.A) as [RR];
    const old = signRrset([a], zsk, { inception: NOW - 100_000, expiration: NOW - 10 });
    const future = signRrset([a], zsk, { inception: NOW + 10_000, expiration: NOW + 100_000 });
    expect(validate('www.example', T.A, RCODE.NOERROR, [a, old], []).verdict).toMatchObject({ status: 'bogus', ede: EDE.SIGNATURE_EXPIRED });
    expect(validate('www.example', T.A, RCODE.NOERROR, [a, future], []).verdict).toMatchObject({ status: 'bogus', ede: EDE.SIGNATURE_NOT_YET_VALID });
  });

  it('an RRset signed by a key absent from the zone DNSKEY RRset → bogus, EDE 9', () => {
    const [a] = f.set('www.example', T.A) as [RR];
    const stranger = signRrset([a], childKey, { ...WINDOW, signer: APEX });
    expect(validate('www.example', T.A, RCODE.NOERROR, [a, stranger], []).verdict).toMatchObject({ status: 'bogus', ede: EDE.DNSSEC_BOGUS });
  });

  it('the RRSIG swapped for one of an unsupported algorithm (253) cannot downgrade to insecure → bogus', () => {
    const [a] = f.set('www.example', T.A) as [RR];
    const fake = signRrset([a], generateKey(APEX, { algorithm: ALG.PRIVATE, flags: 256 }), WINDOW);
    expect(validate('www.example', T.A, RCODE.NOERROR, [a, fake], []).verdict.status).toBe('bogus');
  });

  it('NXDOMAIN rcode beside a validated answer for qname → bogus', () => {
    expect(validate('www.example', T.A, RCODE.NXDOMAIN, f.set('www.example', T.A), []).verdict.status).toBe('bogus');
  });
});

describe('RFC 4035 §3.1.3.2 / §5.4: NXDOMAIN with NSEC', () => {
  it('NSEC covering qname + NSEC covering the wildcard at the closest encloser → secure nxdomain', () => {
    const r = validate('nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...f.deny('nx.example', '*.example')]);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('nxdomain');
    expect(r.authority.some((x) => x.type === T.NSEC)).toBe(true);
    expect(r.ttl).toBeLessThanOrEqual(300);
  });

  it('dropping the NSEC that denies the wildcard → bogus, EDE 12', () => {
    const onlyQname = nsecFor(f.rrs, 'nx.example');
    const wildcardNsec = nsecFor(f.rrs, '*.example');
    expect(onlyQname[0]!.name.equals(wildcardNsec[0]!.name)).toBe(false);
    const r = validate('nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...onlyQname]);
    expect(r.verdict).toMatchObject({ status: 'bogus', ede: EDE.NSEC_MISSING });
  });

  it('dropping the NSEC that covers qname → bogus', () => {
    const r = validate('nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...nsecFor(f.rrs, '*.example')]);
    expect(r.verdict.status).toBe('bogus');
  });

  it('an NSEC altered after signing → bogus (the record is not used)', () => {
    const proof = f.deny('nx.example', '*.example').map((x) => (x.type === T.NSEC ? altered(x) : x));
    expect(validate('nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...proof]).verdict.status).toBe('bogus');
  });

  it('NSEC records without RRSIGs → bogus, EDE 10', () => {
    const proof = f.deny('nx.example', '*.example').filter((x) => x.type !== T.RRSIG);
    expect(validate('nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...proof]).verdict).toMatchObject({ status: 'bogus', ede: EDE.RRSIGS_MISSING });
  });

  it('NXDOMAIN for a name that exists (its own NSEC given) → bogus', () => {
    expect(validate('www.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...f.deny('www.example', '*.example')]).verdict.status).toBe('bogus');
  });

  it('NXDOMAIN for an empty non-terminal (b.example) → bogus', () => {
    expect(validate('b.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...f.deny('b.example', '*.example')]).verdict.status).toBe('bogus');
  });

  it('an NSEC from another zone (signed by secure.example) proves nothing → bogus', () => {
    const child = childZone();
    const foreign = nsecFor(child, 'zz.secure.example');
    expect(validate('nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...foreign, ...nsecFor(f.rrs, '*.example')]).verdict.status).toBe('bogus');
  });

  it('an NSEC owned outside the zone is ignored → bogus', () => {
    const [nsec, sig] = nsecFor(f.rrs, 'nx.example') as [RR, RR];
    const moved = [{ ...nsec, name: n('other.test') }, { ...sig, name: n('other.test') }];
    expect(validate('nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...moved, ...nsecFor(f.rrs, '*.example')]).verdict.status).toBe('bogus');
  });
});

describe('RFC 4035 §5.2 ancestor delegation: parent-side NSEC says nothing below the cut', () => {
  it('NXDOMAIN below an unsigned delegation proven by the parent-side NSEC → bogus', () => {
    const proof = f.deny('foo.insecure.example', '*.insecure.example');
    expect(proof[0]!.name.toString()).toBe('insecure.example.');
    expect(validate('foo.insecure.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...proof]).verdict.status).toBe('bogus');
  });

  it('NODATA for A at a delegation point from the parent-side NSEC → bogus', () => {
    expect(validate('secure.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('secure.example')]).verdict).toMatchObject({ status: 'bogus', id: 'NS06' });
  });

  it('DS NODATA at an unsigned delegation from the parent-side NSEC → secure', () => {
    const r = validate('insecure.example', T.DS, RCODE.NOERROR, [], [...soa, ...f.deny('insecure.example')]);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('nodata');
  });

  it('DS NODATA from the child apex NSEC (SOA set) → bogus', () => {
    const child = childZone();
    const childKeys = validateZoneKeys({
      zone: CHILD, dnskeys: child.filter((x) => x.type === T.DNSKEY), rrsigs: sigsOf(child, CHILD, T.DNSKEY),
      ds: [makeDs(childKey.dnskey)], now: NOW, policy: policy(), budget: budget(),
    });
    expect(childKeys.verdict.status).toBe('secure');
    const r = validateResponse({ ...responseInput(f, 'secure.example', T.DS, RCODE.NOERROR, [], [...nsecFor(child, 'secure.example')]), keys: childKeys });
    expect(r.verdict).toMatchObject({ status: 'bogus', id: 'NS07' });
  });
});

describe('RFC 4035 §3.1.3.1: NODATA with NSEC', () => {
  it('NSEC at qname without qtype → secure nodata', () => {
    const r = validate('www.example', T.AAAA, RCODE.NOERROR, [], [...soa, ...f.deny('www.example')]);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('nodata');
  });

  it('NSEC at qname listing qtype (answer stripped) → bogus', () => {
    expect(validate('www.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('www.example')]).verdict).toMatchObject({ status: 'bogus', id: 'NS04' });
  });

  it('NSEC at qname listing CNAME → bogus', () => {
    expect(validate('alias.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('alias.example')]).verdict).toMatchObject({ status: 'bogus', id: 'NS05' });
  });

  it('an empty non-terminal: the NSEC whose next name is below qname → secure nodata', () => {
    const r = validate('b.example', T.TXT, RCODE.NOERROR, [], [...soa, ...f.deny('b.example')]);
    expect(r.verdict.status).toBe('secure');
  });

  it('NODATA claimed for a name that does not exist → bogus', () => {
    expect(validate('nx.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('nx.example')]).verdict.status).toBe('bogus');
  });

  it('the SOA altered after signing → bogus', () => {
    const bad = soa.map((x) => (x.type === T.SOA ? altered(x) : x));
    expect(validate('www.example', T.AAAA, RCODE.NOERROR, [], [...bad, ...f.deny('www.example')]).verdict.status).toBe('bogus');
  });
});

describe('RFC 4035 §5.3.4: wildcard answers need proof that qname does not exist', () => {
  const answer = expandWildcard(f.rrs, '*.wild.example', T.A, 'host.wild.example');

  it('expanded wildcard + NSEC covering qname → secure answer', () => {
    const r = validate('host.wild.example', T.A, RCODE.NOERROR, answer, f.deny('host.wild.example'));
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('answer');
    expect(r.authority.some((x) => x.type === T.NSEC)).toBe(true);
  });

  it('expanded wildcard without the NSEC → bogus, EDE 12', () => {
    expect(validate('host.wild.example', T.A, RCODE.NOERROR, answer, []).verdict).toMatchObject({ status: 'bogus', ede: EDE.NSEC_MISSING });
  });

  it('a wildcard expansion onto a name that exists (www) is refused → bogus', () => {
    const data = [...parentData(), rr('*.example', T.A, rdata.a('192.0.2.99'))];
    const g = signedParent('nsec', {}, data);
    const forged = expandWildcard(g.rrs, '*.example', T.A, 'www.example');
    const r = validateResponse(responseInput(g, 'www.example', T.A, RCODE.NOERROR, forged, g.deny('www.example')));
    expect(r.verdict.status).toBe('bogus');
  });

  it('a wildcard expansion past an existing closer name (*.example onto foo.b.example, b.example exists) → bogus', () => {
    const data = [...parentData(), rr('*.example', T.A, rdata.a('192.0.2.99'))];
    const g = signedParent('nsec', {}, data);
    const forged = expandWildcard(g.rrs, '*.example', T.A, 'foo.b.example');
    const r = validateResponse(responseInput(g, 'foo.b.example', T.A, RCODE.NOERROR, forged, g.deny('foo.b.example')));
    expect(r.verdict).toMatchObject({ status: 'bogus', id: 'NS09' });
  });

  it('RFC 4035 §3.1.3.4 wildcard NODATA: NSEC covering qname + NSEC at the wildcard without qtype → secure', () => {
    const r = validate('host.wild.example', T.AAAA, RCODE.NOERROR, [], [...soa, ...f.deny('host.wild.example', '*.wild.example')]);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('nodata');
  });

  it('wildcard NODATA for a type the wildcard owns (answer stripped) → bogus', () => {
    // Here one NSEC (owner *.wild.example) both covers qname and matches the wildcard.
    const proof = f.deny('host.wild.example', '*.wild.example');
    expect(proof.filter((x) => x.type === T.NSEC)).toHaveLength(1);
    expect(validate('host.wild.example', T.A, RCODE.NOERROR, [], [...soa, ...proof]).verdict).toMatchObject({ status: 'bogus', id: 'NS04' });
  });
});

describe('keys that are not secure pass their verdict through', () => {
  it('insecure zone keys → insecure, data returned unvalidated', () => {
    const keys = { ...trustedKeys(signZone(APEX, parentData(), [ksk, zsk], { ...WINDOW })), verdict: { status: 'insecure' as const, reason: 'unsigned' }, keys: [] };
    const r = validateResponse({ ...responseInput(f, 'www.example', T.A, RCODE.NOERROR, f.set('www.example', T.A), []), keys });
    expect(r.verdict.status).toBe('insecure');
    expect(r.kind).toBe('answer');
  });
});
