/** CNAME and DNAME chains inside one zone (RFC 4035 §5.3, RFC 6672 §5.3.1, RFC 6604 §3 for the final rcode). */
import { describe, expect, it } from 'vitest';
import { RCODE, T, type RR } from '../../../resolver/wire/types.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { validateResponse } from '../../../resolver/dnssec/response.js';
import { n, rdata, rr } from '../../support/signer.js';
import { parentData, responseInput, signedParent } from './fixtures.js';

const data = [
  ...parentData(),
  rr('dangling.example', T.CNAME, rdata.cname('nothere.example')),
  rr('away.example', T.DNAME, rdata.dname('other.test')),
];

for (const denial of ['nsec', 'nsec3'] as const) {
  const f = signedParent(denial, {}, data);
  const run = (qname: string, qtype: number, rcode: number, answer: RR[], authority: RR[] = []) =>
    validateResponse(responseInput(f, qname, qtype, rcode, answer, authority));

  describe(`RFC 4035 §5.3 CNAME chains (${denial})`, () => {
    it('chain → alias → www inside the zone: every link verified, answer in chain order', () => {
      const answer = [...f.set('www.example', T.A), ...f.set('chain.example', T.CNAME), ...f.set('alias.example', T.CNAME)];
      const r = run('chain.example', T.A, RCODE.NOERROR, answer);
      expect(r.verdict.status).toBe('secure');
      expect(r.kind).toBe('answer');
      expect(r.answer.filter((x) => x.type !== T.RRSIG).map((x) => `${x.name.toString()} ${x.type}`))
        .toEqual(['chain.example. 5', 'alias.example. 5', 'www.example. 1']);
      expect(r.next).toBeUndefined();
    });

    it('a CNAME link without RRSIG → bogus, EDE 10', () => {
      const answer = [...f.set('chain.example', T.CNAME), ...f.set('alias.example', T.CNAME).filter((x) => x.type !== T.RRSIG), ...f.set('www.example', T.A)];
      expect(run('chain.example', T.A, RCODE.NOERROR, answer).verdict).toMatchObject({ status: 'bogus', ede: EDE.RRSIGS_MISSING });
    });

    it('a CNAME leaving the zone → kind cname, next = target, secure so far', () => {
      const r = run('outside.example', T.A, RCODE.NOERROR, f.set('outside.example', T.CNAME));
      expect(r).toMatchObject({ kind: 'cname', verdict: { status: 'secure' } });
      expect(r.next?.toString()).toBe('www.other.test.');
    });

    it('a query for the CNAME itself is a direct answer', () => {
      expect(run('alias.example', T.CNAME, RCODE.NOERROR, f.set('alias.example', T.CNAME)).kind).toBe('answer');
    });

    it('RFC 6604 §3: a CNAME to a missing name in the zone with NXDOMAIN proof for the target → secure nxdomain', () => {
      const proof = denial === 'nsec' ? f.deny('nothere.example', '*.example') : f.deny('example', 'nothere.example', '*.example');
      const r = run('dangling.example', T.A, RCODE.NXDOMAIN, f.set('dangling.example', T.CNAME), [...f.set('example', T.SOA), ...proof]);
      expect(r.verdict.status).toBe('secure');
      expect(r.kind).toBe('nxdomain');
    });

    it('a CNAME to a missing name, NXDOMAIN proof dropped → bogus', () => {
      const r = run('dangling.example', T.A, RCODE.NXDOMAIN, f.set('dangling.example', T.CNAME), [...f.set('example', T.SOA)]);
      expect(r.verdict.status).toBe('bogus');
    });
  });

  describe(`RFC 6672 §5.3.1 DNAME (${denial})`, () => {
    const synthesized = rr('x.dn.example', T.CNAME, rdata.cname('x.tgt.example'), 3600);

    it('signed DNAME + unsigned synthesised CNAME + signed target → secure', () => {
      const answer = [...f.set('dn.example', T.DNAME), synthesized, ...f.set('x.tgt.example', T.A)];
      const r = run('x.dn.example', T.A, RCODE.NOERROR, answer);
      expect(r.verdict.status).toBe('secure');
      expect(r.kind).toBe('answer');
      expect(r.answer.filter((x) => x.type !== T.RRSIG).map((x) => x.type)).toEqual([T.DNAME, T.CNAME, T.A]);
    });

    it('the synthesised CNAME missing: daneel synthesises it → secure', () => {
      const r = run('x.dn.example', T.A, RCODE.NOERROR, [...f.set('dn.example', T.DNAME), ...f.set('x.tgt.example', T.A)]);
      expect(r.verdict.status).toBe('secure');
      expect(r.answer.some((x) => x.type === T.CNAME && x.name.equals(n('x.dn.example')))).toBe(true);
    });

    it('a synthesised CNAME that does not match the substitution → bogus', () => {
      const forged = rr('x.dn.example', T.CNAME, rdata.cname('www.example'), 3600);
      const answer = [...f.set('dn.example', T.DNAME), forged, ...f.set('www.example', T.A)];
      expect(run('x.dn.example', T.A, RCODE.NOERROR, answer).verdict).toMatchObject({ status: 'bogus', id: 'RS02' });
    });

    it('the DNAME altered (unsigned) → bogus', () => {
      const answer = [...f.set('dn.example', T.DNAME).filter((x) => x.type !== T.RRSIG), synthesized, ...f.set('x.tgt.example', T.A)];
      expect(run('x.dn.example', T.A, RCODE.NOERROR, answer).verdict.status).toBe('bogus');
    });

    it('a DNAME leading out of the zone → kind cname, next = substituted name', () => {
      const r = run('a.b.away.example', T.A, RCODE.NOERROR, f.set('away.example', T.DNAME));
      expect(r.kind).toBe('cname');
      expect(r.verdict.status).toBe('secure');
      expect(r.next?.toString()).toBe('a.b.other.test.');
    });
  });
}
