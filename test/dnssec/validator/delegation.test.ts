/** validateDelegation: RFC 4035 §5.2 (DS proven or its absence proven), RFC 5155 §8.6 and opt-out (§6). */
import { describe, expect, it } from 'vitest';
import { RCODE, T, type RR } from '../../../resolver/wire/types.js';
import type { Name } from '../../../resolver/wire/name.js';
import { EDE } from '../../../resolver/dnssec/verdict.js';
import { validateDelegation } from '../../../resolver/dnssec/delegation.js';
import { validateZoneKeys, type ZoneKeys } from '../../../resolver/dnssec/zone-keys.js';
import { validateResponse } from '../../../resolver/dnssec/response.js';
import { n, nsecFor, pick, signed, sigsOf } from '../../support/signer.js';
import { CHILD, NOW, UNSIGNED_CHILD, altered, budget, childZone, policy, signedParent, type Fixture } from './fixtures.js';

const PARAMS = { iterations: 3, salt: 'beef' };

function delegate(f: Fixture, child: Name | string, answer: RR[], authority: RR[], parent: ZoneKeys = f.keys) {
  return validateDelegation({ child: typeof child === 'string' ? n(child) : child, parent, answer, authority, now: NOW, policy: policy(), budget: budget() });
}

/** A referral as the parent sends it: NS at the cut (unsigned), glue, then DS or denial records. */
function referral(f: Fixture, child: Name, extra: RR[]): RR[] {
  return [...pick(f.rrs, child, T.NS), ...extra];
}

for (const denial of ['nsec', 'nsec3'] as const) {
  const f = signedParent(denial, PARAMS);

  describe(`RFC 4035 §5.2 referrals (${denial})`, () => {
    it('a signed DS in the referral → secure, DS returned with RRSIG', () => {
      const d = delegate(f, CHILD, [], referral(f, CHILD, f.set('secure.example', T.DS)));
      expect(d.kind).toBe('secure');
      if (d.kind === 'secure') expect(d.ds.map((x) => x.type)).toEqual([T.DS, T.RRSIG]);
    });

    it('a signed DS as the answer of a DS query → secure', () => {
      expect(delegate(f, CHILD, f.set('secure.example', T.DS), []).kind).toBe('secure');
    });

    it('the DS without RRSIG → bogus, EDE 10', () => {
      const d = delegate(f, CHILD, [], referral(f, CHILD, pick(f.rrs, CHILD, T.DS)));
      expect(d).toMatchObject({ kind: 'bogus', verdict: { ede: EDE.RRSIGS_MISSING } });
    });

    it('the DS altered after signing → bogus', () => {
      const ds = pick(f.rrs, CHILD, T.DS).map((x) => altered(x));
      expect(delegate(f, CHILD, [], referral(f, CHILD, [...ds, ...sigsOf(f.rrs, CHILD, T.DS)])).kind).toBe('bogus');
    });

    it('an unsigned delegation with the parent proof of no DS → insecure', () => {
      const d = delegate(f, UNSIGNED_CHILD, [], referral(f, UNSIGNED_CHILD, f.deny('insecure.example')));
      expect(d.kind).toBe('insecure');
    });

    it('an unsigned delegation without any proof → bogus, EDE 12', () => {
      expect(delegate(f, UNSIGNED_CHILD, [], referral(f, UNSIGNED_CHILD, []))).toMatchObject({ kind: 'bogus', verdict: { ede: EDE.NSEC_MISSING } });
    });

    it('the DS stripped from a secure delegation, denial record shows DS → bogus', () => {
      const d = delegate(f, CHILD, [], referral(f, CHILD, f.deny('secure.example')));
      expect(d.kind).toBe('bogus');
      expect(d.verdict.id).toBe(denial === 'nsec' ? 'NS11' : 'N312');
    });

    it('the proof of no DS without RRSIG → bogus', () => {
      const proof = f.deny('insecure.example').filter((x) => x.type !== T.RRSIG);
      expect(delegate(f, UNSIGNED_CHILD, [], referral(f, UNSIGNED_CHILD, proof)).kind).toBe('bogus');
    });

    it('a referral for a name that is not a cut (www.example: no NS bit) → bogus', () => {
      expect(delegate(f, 'www.example', [], f.deny('www.example')).kind).toBe('bogus');
    });

    it('a parent that is insecure makes the child insecure; a bogus parent makes it bogus', () => {
      const insecureParent = { ...f.keys, verdict: { status: 'insecure' as const, reason: 'no DS' }, keys: [] };
      const bogusParent = { ...f.keys, verdict: { status: 'bogus' as const, reason: 'broken', ede: 6 }, keys: [] };
      expect(delegate(f, CHILD, [], referral(f, CHILD, f.set('secure.example', T.DS)), insecureParent).kind).toBe('insecure');
      expect(delegate(f, CHILD, [], referral(f, CHILD, f.set('secure.example', T.DS)), bogusParent).kind).toBe('bogus');
    });
  });
}

describe('RFC 5155 §6 / §8.6: opt-out delegations', () => {
  const o = signedParent('nsec3', { ...PARAMS, optOut: true });

  it('the child is not in the chain; closest encloser proof with an opt-out next closer → insecure', () => {
    const proof = o.deny('example', 'insecure.example');
    const d = delegate(o, UNSIGNED_CHILD, [], referral(o, UNSIGNED_CHILD, proof));
    expect(d.kind).toBe('insecure');
  });

  it('without opt-out, a covered (absent) child is not a delegation → bogus', () => {
    const f = signedParent('nsec3', PARAMS);
    const d = delegate(f, 'ghost.example', [], f.deny('example', 'ghost.example'));
    expect(d).toMatchObject({ kind: 'bogus', verdict: { id: 'N310' } });
  });

  it('iterations 200 above the cap → insecure, EDE 27', () => {
    const hi = signedParent('nsec3', { iterations: 200 });
    const d = delegate(hi, UNSIGNED_CHILD, [], referral(hi, UNSIGNED_CHILD, hi.deny('insecure.example')));
    expect(d).toMatchObject({ kind: 'insecure', verdict: { ede: EDE.UNSUPPORTED_NSEC3_ITERATIONS } });
  });
});

describe('a child-side NSEC cannot deny the DS (RFC 4035 §5.2)', () => {
  it('the child apex NSEC (signed by the child) in a referral → bogus', () => {
    const f = signedParent('nsec');
    const child = childZone();
    const d = delegate(f, CHILD, [], referral(f, CHILD, nsecFor(child, 'secure.example')));
    expect(d.kind).toBe('bogus');
  });
});

describe('the whole chain of trust: anchor → parent keys → DS → child keys → answer', () => {
  it('each step validates and the child answer is secure', () => {
    const f = signedParent('nsec3', PARAMS);
    const child = childZone();
    const d = delegate(f, CHILD, [], referral(f, CHILD, f.set('secure.example', T.DS)));
    expect(d.kind).toBe('secure');
    if (d.kind !== 'secure') return;
    const keys = validateZoneKeys({
      zone: CHILD, dnskeys: pick(child, CHILD, T.DNSKEY), rrsigs: sigsOf(child, CHILD, T.DNSKEY), ds: d.ds,
      now: NOW, policy: policy(), budget: budget(),
    });
    expect(keys.verdict.status).toBe('secure');
    const r = validateResponse({
      qname: n('host.secure.example'), qtype: T.A, rcode: RCODE.NOERROR, answer: signed(child, 'host.secure.example', T.A), authority: [],
      keys, now: NOW, policy: policy(), budget: budget(),
    });
    expect(r.verdict.status).toBe('secure');
    // The parent's keys do not validate the child's data.
    const wrong = validateResponse({
      qname: n('host.secure.example'), qtype: T.A, rcode: RCODE.NOERROR, answer: signed(child, 'host.secure.example', T.A), authority: [],
      keys: f.keys, now: NOW, policy: policy(), budget: budget(),
    });
    expect(wrong.verdict.status).toBe('bogus');
  });
});
