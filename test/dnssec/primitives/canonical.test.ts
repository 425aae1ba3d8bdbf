/**
 * Canonical form (RFC 4034 §6.2 with RFC 6840 §5.1), canonical RRset order (§6.3) and the signed-data
 * construction (RFC 4034 §3.1.8.1, RFC 4035 §5.3.2), checked byte for byte against hand-built expectations.
 */
import { describe, expect, test } from 'vitest';
import { T } from '../../../resolver/wire/types.js';
import { canonicalRdata, canonicalRdataSet, compareBytes } from '../../../resolver/wire/canonical.js';
import { signedData } from '../../../resolver/dnssec/signed-data.js';
import { WireError } from '../../../resolver/wire/errors.js';
import { n, rdata, rr } from './support.js';

const bytes = (...parts: Array<number[] | Uint8Array>): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));
const w = (name: string): Uint8Array => n(name).wire;

describe('RDATA names lowercased for the RFC 4034 §6.2 types', () => {
  const lowered: Array<[string, number, Uint8Array, Uint8Array]> = [
    ['NS', T.NS, rdata.name('NS1.Example.COM'), rdata.name('ns1.example.com')],
    ['CNAME', T.CNAME, rdata.name('Target.EXAMPLE'), rdata.name('target.example')],
    ['PTR', T.PTR, rdata.name('Host.Example'), rdata.name('host.example')],
    ['DNAME', T.DNAME, rdata.name('Other.Example'), rdata.name('other.example')],
    ['MD', 3, rdata.name('A.B'), rdata.name('a.b')],
    ['MF', 4, rdata.name('A.B'), rdata.name('a.b')],
    ['MB', 7, rdata.name('A.B'), rdata.name('a.b')],
    ['MG', 8, rdata.name('A.B'), rdata.name('a.b')],
    ['MR', 9, rdata.name('A.B'), rdata.name('a.b')],
    ['NXT', 30, bytes(w('Next.Example'), [0x40]), bytes(w('next.example'), [0x40])],
    ['SOA', T.SOA, rdata.soa('NS.Example', 'HostMaster.Example', 0x41424344), rdata.soa('ns.example', 'hostmaster.example', 0x41424344)],
    ['MINFO', 14, bytes(w('R.Example'), w('E.Example')), bytes(w('r.example'), w('e.example'))],
    ['RP', 17, bytes(w('Mbox.Example'), w('TXT.Example')), bytes(w('mbox.example'), w('txt.example'))],
    ['MX', T.MX, rdata.mx(0x4142, 'Mail.Example'), rdata.mx(0x4142, 'mail.example')],
    ['AFSDB', 18, rdata.mx(1, 'AFS.Example'), rdata.mx(1, 'afs.example')],
    ['RT', 21, rdata.mx(1, 'RT.Example'), rdata.mx(1, 'rt.example')],
    ['KX', 36, rdata.mx(1, 'KX.Example'), rdata.mx(1, 'kx.example')],
    ['PX', 26, bytes([0, 1], w('Map.Example'), w('X400.Example')), bytes([0, 1], w('map.example'), w('x400.example'))],
    ['SRV', T.SRV, rdata.srv(0x4141, 0x4242, 0x4343, 'Web.Example'), rdata.srv(0x4141, 0x4242, 0x4343, 'web.example')],
    // Character-strings (flags, services, regexp) keep their case; only the replacement name is lowercased.
    ['NAPTR', T.NAPTR, rdata.naptr(1, 2, 'U', 'E2U+SIP', '!^.*$!SIP:Info@Example!', 'Repl.Example'),
      rdata.naptr(1, 2, 'U', 'E2U+SIP', '!^.*$!SIP:Info@Example!', 'repl.example')],
    // A6 with prefix length 64: 8 suffix octets, then the prefix name.
    ['A6', 38, bytes([64], [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48], w('Prefix.Example')),
      bytes([64], [0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48], w('prefix.example'))],
    ['RRSIG', T.RRSIG, rdata.rrsig({ typeCovered: 0x4141, algorithm: 0x41, labels: 0x42, originalTtl: 0x41414141, expiration: 0x5a5a5a5a,
      inception: 0x41414141, keyTag: 0x4141, signer: 'Signer.EXAMPLE', signature: Uint8Array.from([0x41, 0x42]) }),
    rdata.rrsig({ typeCovered: 0x4141, algorithm: 0x41, labels: 0x42, originalTtl: 0x41414141, expiration: 0x5a5a5a5a,
      inception: 0x41414141, keyTag: 0x4141, signer: 'signer.example', signature: Uint8Array.from([0x41, 0x42]) })],
  ];
  for (const [label, type, input, expected] of lowered) {
    test(`${label}: names lowercased, other octets untouched`, () => {
      expect(canonicalRdata(type, input)).toEqual(expected);
    });
  }

  const untouched: Array<[string, number, Uint8Array]> = [
    ['NSEC next name (RFC 6840 §5.1)', T.NSEC, bytes(w('Next.Example'), [0, 1, 0x40])],
    ['HINFO (no names)', 13, rdata.hinfo('INTEL', 'LINUX')],
    ['TXT', T.TXT, rdata.txt('Hello World')],
    ['SVCB (newer than RFC 3597: never lowercased)', T.SVCB, bytes([0, 1], w('Svc.Example'))],
    ['A6 with prefix length 0 (no name)', 38, bytes([0], new Uint8Array(16).fill(0x41))],
  ];
  for (const [label, type, input] of untouched) {
    test(`${label}: unchanged`, () => {
      expect(canonicalRdata(type, input)).toBe(input);
    });
  }

  test('already-lowercase RDATA is returned without copying', () => {
    const mx = rdata.mx(10, 'mail.example');
    expect(canonicalRdata(T.MX, mx)).toBe(mx);
  });

  test('bytes >= 0x80 are never folded', () => {
    const name = Uint8Array.from([2, 0xc1, 0x41, 0]);
    expect(canonicalRdata(T.NS, name)).toEqual(Uint8Array.from([2, 0xc1, 0x61, 0]));
  });

  test('a compressed or truncated RDATA name is a WireError', () => {
    expect(() => canonicalRdata(T.CNAME, Uint8Array.from([0xc0, 0x0c]))).toThrow(WireError);
    expect(() => canonicalRdata(T.MX, Uint8Array.from([0, 1, 3, 0x61]))).toThrow(WireError);
  });
});

describe('canonical RRset order (RFC 4034 §6.3)', () => {
  test('sorted as left-justified unsigned octet strings, shorter prefix first, duplicates removed', () => {
    const set = canonicalRdataSet(T.TXT, [
      rdata.txt('b'), rdata.txt('a'), Uint8Array.from([1, 0x61, 0]), rdata.txt('a'), Uint8Array.from([0xff]),
    ]);
    expect(set).toEqual([Uint8Array.from([1, 0x61]), Uint8Array.from([1, 0x61, 0]), Uint8Array.from([1, 0x62]), Uint8Array.from([0xff])]);
  });

  test('order uses the canonical (lowercased) form and dedupes case variants', () => {
    const set = canonicalRdataSet(T.NS, [rdata.name('B.example'), rdata.name('a.example'), rdata.name('A.EXAMPLE')]);
    expect(set).toEqual([rdata.name('a.example'), rdata.name('b.example')]);
  });

  test('compareBytes', () => {
    expect(compareBytes(Uint8Array.from([1, 2]), Uint8Array.from([1, 2, 0]))).toBeLessThan(0);
    expect(compareBytes(Uint8Array.from([0x80]), Uint8Array.from([0x7f, 0xff]))).toBeGreaterThan(0);
    expect(compareBytes(Uint8Array.from([5]), Uint8Array.from([5]))).toBe(0);
  });
});

describe('signed data (RFC 4034 §3.1.8.1)', () => {
  const header = (labels: number, originalTtl: number, signer = 'Example.ORG'): Uint8Array => rdata.rrsig({
    typeCovered: T.MX, algorithm: 13, labels, originalTtl, expiration: 0x70000000, inception: 0x60000000, keyTag: 4242,
    signer, signature: new Uint8Array(0),
  });
  const rrHead = (owner: string, ttl: number, rdlen: number): Uint8Array =>
    bytes(w(owner), [0, T.MX, 0, 1, ttl >>> 24, (ttl >>> 16) & 0xff, (ttl >>> 8) & 0xff, ttl & 0xff, rdlen >> 8, rdlen & 0xff]);

  test('owner and RDATA names lowercased, TTL = original TTL, records in canonical order, signer lowercased', () => {
    const mx1 = rdata.mx(20, 'B.Example.ORG');
    const mx2 = rdata.mx(10, 'A.Example.ORG');
    const rrset = [rr('WWW.Example.Org', T.MX, mx1, 60), rr('www.example.org', T.MX, mx2, 60)];
    const h = header(3, 3600);
    const data = signedData(h, h.length, rrset);
    const lowHeader = header(3, 3600, 'example.org');
    const expected = bytes(
      lowHeader,
      rrHead('www.example.org', 3600, mx2.length), rdata.mx(10, 'a.example.org'),
      rrHead('www.example.org', 3600, mx1.length), rdata.mx(20, 'b.example.org'),
    );
    expect(data).toEqual(expected);
  });

  test('wildcard owner reconstructed from the labels field (RFC 4035 §5.3.2)', () => {
    const mx = rdata.mx(10, 'mail.example.org');
    const h = header(2, 300);
    const data = signedData(h, h.length, [rr('A.B.Example.ORG', T.MX, mx)]);
    expect(data).toEqual(bytes(header(2, 300, 'example.org'), rrHead('*.example.org', 300, mx.length), mx));
  });

  test('labels field 0 reconstructs "*." (a wildcard at the root)', () => {
    const mx = rdata.mx(10, 'mail.example.org');
    const h = header(0, 300, '.');
    expect(signedData(h, h.length, [rr('x.org', T.MX, mx)])).toEqual(bytes(h, rrHead('*', 300, mx.length), mx));
  });

  test('labels field above the owner label count is refused', () => {
    const h = header(4, 300);
    expect(() => signedData(h, h.length, [rr('www.example.org', T.MX, rdata.mx(1, 'x.org'))])).toThrow(WireError);
  });
});
