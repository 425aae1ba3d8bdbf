/** DS ↔ DNSKEY matching (RFC 4035 §5.2): every field must agree; unsupported digests are reported as such. */
import { describe, expect, test } from 'vitest';
import { T, type RR } from '../../../resolver/wire/types.js';
import { dsDigest, dsMatchesDnskey } from '../../../resolver/dnssec/ds.js';
import { generateKey, n, rr } from './support.js';

const key = generateKey('Child.Example', 13, 257);

function ds(over: { tag?: number; alg?: number; type?: number; digest?: Uint8Array; owner?: string } = {}): RR {
  const type = over.type ?? 2;
  const digest = over.digest ?? dsDigest(n('child.example'), key.dnskey.rdata, [1, 2, 4].includes(type) ? type : 2)!;
  const tag = over.tag ?? key.keyTag;
  return rr(over.owner ?? 'child.example', T.DS, Uint8Array.from([tag >> 8, tag & 0xff, over.alg ?? 13, type, ...digest]));
}

describe('dsMatchesDnskey', () => {
  test.each([1, 2, 4])('digest type %i matches', (type) => {
    expect(dsMatchesDnskey(ds({ type }), key.dnskey)).toBe('match');
  });

  test('owner case does not matter (canonical owner in the digest)', () => {
    expect(dsMatchesDnskey(ds({ owner: 'CHILD.example' }), key.dnskey)).toBe('match');
  });

  test('each wrong field is a mismatch', () => {
    expect(dsMatchesDnskey(ds({ tag: (key.keyTag + 1) & 0xffff }), key.dnskey)).toBe('mismatch');
    expect(dsMatchesDnskey(ds({ alg: 8 }), key.dnskey)).toBe('mismatch');
    expect(dsMatchesDnskey(ds({ owner: 'other.example' }), key.dnskey)).toBe('mismatch');
    const d = dsDigest(n('child.example'), key.dnskey.rdata, 2)!.slice();
    d[0]! ^= 1;
    expect(dsMatchesDnskey(ds({ digest: d }), key.dnskey)).toBe('mismatch');
    expect(dsMatchesDnskey(ds({ digest: d.subarray(0, 31) }), key.dnskey)).toBe('mismatch');
  });

  test('GOST (3) and unknown digest types are unsupported, a truncated DS a mismatch', () => {
    expect(dsMatchesDnskey(ds({ type: 3 }), key.dnskey)).toBe('unsupported');
    expect(dsMatchesDnskey(ds({ type: 200 }), key.dnskey)).toBe('unsupported');
    expect(dsMatchesDnskey(rr('child.example', T.DS, Uint8Array.from([1, 2, 13])), key.dnskey)).toBe('mismatch');
  });
});
