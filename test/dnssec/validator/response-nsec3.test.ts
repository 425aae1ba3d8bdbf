/** validateResponse over an NSEC3-signed zone: RFC 5155 §8.3–§8.8, RFC 9276 §3.2, and the work budget. */
import { describe, expect, it } from 'vitest';
import { RCODE, T, type RR } from '../../../resolver/wire/types.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { validateResponse } from '../../../resolver/dnssec/response.js';
import { expandWildcard, nsec3For, rdata, rr } from '../../support/signer.js';
import { APEX, altered, budget, childZone, parentData, policy, responseInput, signedParent, type Fixture } from './fixtures.js';

const PARAMS = { iterations: 5, salt: 'cafe' };
const f = signedParent('nsec3', PARAMS);
const soa = f.set('example', T.SOA);
const run = (fx: Fixture, qname: string, qtype: number, rcode: number, answer: RR[], authority: RR[], over = {}) =>
  validateResponse(responseInput(fx, qname, qtype, rcode, answer, authority, over));
const without = (rrs: RR[], drop: RR[]): RR[] => rrs.filter((x) => !drop.some((d) => d.name.equals(x.name)));

describe('RFC 5155 §8.4: NXDOMAIN', () => {
  const proof = f.deny('example', 'nx.example', '*.example');

  it('closest encloser match + next closer covered + wildcard covered → secure nxdomain', () => {
    const r = run(f, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...proof]);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('nxdomain');
    expect(r.authority.filter((x) => x.type === T.NSEC3).length).toBeGreaterThanOrEqual(2);
  });

  it('a deeper name: closest encloser proof walks up to the apex → secure', () => {
    const deep = f.deny('example', 'c.nx.example', 'nx.example', '*.example');
    expect(run(f, 'a.b.c.nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...deep]).verdict.status).toBe('secure');
  });

  it('dropping the NSEC3 covering the wildcard → bogus', () => {
    const wc = nsec3For(f.rrs, APEX, '*.example', PARAMS);
    const rest = without(proof, wc);
    // The wildcard's NSEC3 must be a different record from the other two for this case to mean anything.
    expect(rest.length).toBeLessThan(proof.length);
    expect(run(f, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...rest]).verdict.status).toBe('bogus');
  });

  it('dropping the NSEC3 covering the next closer name → bogus', () => {
    const nc = nsec3For(f.rrs, APEX, 'nx.example', PARAMS);
    expect(run(f, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...without(proof, nc)]).verdict.status).toBe('bogus');
  });

  it('an NSEC3 altered after signing → bogus', () => {
    const bad = proof.map((x) => (x.type === T.NSEC3 ? altered(x) : x));
    expect(run(f, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...bad]).verdict.status).toBe('bogus');
  });

  it('NSEC3 of another zone (secure.example owners) are ignored → bogus', () => {
    const child = childZone('nsec3');
    const foreign = child.filter((x) => x.type === T.NSEC3 || (x.type === T.RRSIG && x.rdata[1] === T.NSEC3));
    expect(foreign.length).toBeGreaterThan(4);
    expect(run(f, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...foreign]).verdict).toMatchObject({ status: 'bogus', ede: EDE.NSEC_MISSING });
  });

  it('RFC 5155 §8.3: a closest encloser that is a delegation (insecure.example) cannot prove names below it → bogus', () => {
    const below = f.deny('insecure.example', 'foo.insecure.example', '*.insecure.example');
    expect(run(f, 'foo.insecure.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...below]).verdict).toMatchObject({ status: 'bogus', id: 'N309' });
  });
});

describe('RFC 5155 §8.5 / §8.6: NODATA', () => {
  it('NSEC3 matching qname without qtype → secure nodata', () => {
    const r = run(f, 'www.example', T.AAAA, RCODE.NOERROR, [], [...soa, ...f.deny('www.example')]);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('nodata');
  });

  it('NSEC3 matching qname with qtype set (answer stripped) → bogus', () => {
    expect(run(f, 'www.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('www.example')]).verdict).toMatchObject({ status: 'bogus', id: 'N305' });
  });

  it('an empty non-terminal has its own NSEC3 → secure nodata', () => {
    expect(run(f, 'b.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('b.example')]).verdict.status).toBe('secure');
  });

  it('NODATA for A at a delegation from the parent-side NSEC3 → bogus', () => {
    expect(run(f, 'insecure.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('insecure.example')]).verdict).toMatchObject({ status: 'bogus', id: 'N307' });
  });

  it('§8.6 DS NODATA: NSEC3 matching the delegation without DS → secure', () => {
    expect(run(f, 'insecure.example', T.DS, RCODE.NOERROR, [], [...soa, ...f.deny('insecure.example')]).verdict.status).toBe('secure');
  });

  it('§8.6 DS NODATA with opt-out: next closer covered by an opt-out NSEC3 → insecure', () => {
    const o = signedParent('nsec3', { ...PARAMS, optOut: true });
    const proof = o.deny('example', 'insecure.example');
    const r = run(o, 'insecure.example', T.DS, RCODE.NOERROR, [], [...o.set('example', T.SOA), ...proof]);
    expect(r.verdict.status).toBe('insecure');
    expect(r.kind).toBe('nodata');
  });

  it('NODATA for a missing name without a matching NSEC3 and no opt-out → bogus', () => {
    expect(run(f, 'nx.example', T.A, RCODE.NOERROR, [], [...soa, ...f.deny('example', 'nx.example')]).verdict.status).toBe('bogus');
  });
});

describe('RFC 5155 §8.7 / §8.8: wildcards', () => {
  it('§8.8 wildcard answer + NSEC3 covering the next closer name → secure', () => {
    const answer = expandWildcard(f.rrs, '*.wild.example', T.A, 'host.wild.example');
    const r = run(f, 'host.wild.example', T.A, RCODE.NOERROR, answer, f.deny('host.wild.example'));
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('answer');
  });

  it('§8.8 wildcard answer without the next closer NSEC3 → bogus, EDE 12', () => {
    const answer = expandWildcard(f.rrs, '*.wild.example', T.A, 'host.wild.example');
    expect(run(f, 'host.wild.example', T.A, RCODE.NOERROR, answer, []).verdict).toMatchObject({ status: 'bogus', ede: EDE.NSEC_MISSING });
  });

  it('§8.8 a wildcard expansion past an existing closer name (*.example onto foo.b.example) → bogus', () => {
    const g = signedParent('nsec3', PARAMS, [...parentData(), rr('*.example', T.A, rdata.a('192.0.2.99'))]);
    const forged = expandWildcard(g.rrs, '*.example', T.A, 'foo.b.example');
    const r = run(g, 'foo.b.example', T.A, RCODE.NOERROR, forged, g.deny('b.example', 'foo.b.example'));
    expect(r.verdict.status).toBe('bogus');
  });

  it('§8.7 wildcard NODATA: closest encloser proof + NSEC3 matching the wildcard without qtype → secure', () => {
    const proof = f.deny('wild.example', 'host.wild.example', '*.wild.example');
    const r = run(f, 'host.wild.example', T.AAAA, RCODE.NOERROR, [], [...soa, ...proof]);
    expect(r.verdict.status).toBe('secure');
    expect(r.kind).toBe('nodata');
  });

  it('§8.7 wildcard NODATA where the wildcard owns qtype → bogus', () => {
    const proof = f.deny('wild.example', 'host.wild.example', '*.wild.example');
    expect(run(f, 'host.wild.example', T.A, RCODE.NOERROR, [], [...soa, ...proof]).verdict.status).toBe('bogus');
  });
});

describe('RFC 5155 opt-out, RFC 9276 §3.2 iterations, RFC 5155 §8.1/§8.2 ignored records', () => {
  it('NXDOMAIN whose next closer sits in an opt-out span → insecure', () => {
    const o = signedParent('nsec3', { ...PARAMS, optOut: true });
    const r = run(o, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...o.set('example', T.SOA), ...o.deny('example', 'nx.example', '*.example')]);
    expect(r.verdict.status).toBe('insecure');
  });

  it('iterations 200 above the cap of 150 → insecure, EDE 27', () => {
    const hi = signedParent('nsec3', { iterations: 200 });
    const r = run(hi, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...hi.set('example', T.SOA), ...hi.deny('example', 'nx.example', '*.example')]);
    expect(r.verdict).toMatchObject({ status: 'insecure', ede: EDE.UNSUPPORTED_NSEC3_ITERATIONS });
  });

  it('iterations 200 on unsigned NSEC3 do not downgrade to insecure → bogus', () => {
    const hi = signedParent('nsec3', { iterations: 200 });
    const proof = hi.deny('example', 'nx.example', '*.example').filter((x) => x.type !== T.RRSIG);
    expect(run(hi, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...hi.set('example', T.SOA), ...proof]).verdict.status).toBe('bogus');
  });

  it('iterations within a raised cap are processed → secure', () => {
    const hi = signedParent('nsec3', { iterations: 200 });
    const proof = hi.deny('example', 'nx.example', '*.example');
    const r = run(hi, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...hi.set('example', T.SOA), ...proof], { policy: policy({ maxNsec3Iterations: 500 }) });
    expect(r.verdict.status).toBe('secure');
  });

  it('only NSEC3 records with an unknown hash algorithm → ignored, nothing proven → bogus (RFC 5155 §8.1)', () => {
    const u = signedParent('nsec3', { ...PARAMS, hashAlgorithm: 2 });
    const r = run(u, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...u.set('example', T.SOA), ...u.deny('example', 'nx.example', '*.example')]);
    expect(r.verdict).toMatchObject({ status: 'bogus', id: 'DN03', ede: EDE.NSEC_MISSING });
    const nodata = run(u, 'nx.example', T.A, RCODE.NOERROR, [], [...u.set('example', T.SOA), ...u.deny('example', 'nx.example', '*.example')]);
    expect(nodata.verdict.status).toBe('bogus');
  });

  it('NSEC3 flags other than opt-out → ignored (RFC 5155 §8.2) → bogus', () => {
    const u = signedParent('nsec3', { ...PARAMS, flags: 0x02 });
    const r = run(u, 'nx.example', T.A, RCODE.NXDOMAIN, [], [...u.set('example', T.SOA), ...u.deny('example', 'nx.example', '*.example')]);
    expect(r.verdict).toMatchObject({ status: 'bogus', ede: EDE.NSEC_MISSING });
  });

  it('the NSEC3 hash budget exhausted → bogus with a reason naming maxNsec3Hashes', () => {
    const proof = f.deny('example', 'c.nx.example', 'nx.example', '*.example');
    const r = run(f, 'a.b.c.nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...proof], { budget: budget(2) });
    expect(r.verdict).toMatchObject({ status: 'bogus', id: 'N3BX' });
    expect(r.verdict.reason).toContain('maxNsec3Hashes');
  });

  it('the budget counts each distinct hash once: 6 hashes for a 5-name walk plus the wildcard', () => {
    const proof = f.deny('example', 'c.nx.example', 'nx.example', '*.example');
    const b = budget(6);
    expect(run(f, 'a.b.c.nx.example', T.A, RCODE.NXDOMAIN, [], [...soa, ...proof], { budget: b }).verdict.status).toBe('secure');
    expect(b.nsec3Hashes).toBe(6);
  });
});
