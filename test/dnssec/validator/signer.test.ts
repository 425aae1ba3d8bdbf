/** The test signer against published vectors: RFC 8080 §6 (Ed25519 example 1) and RFC 5155 Appendix A (NSEC3 hashes). */
import { describe, expect, it } from 'vitest';
import { T } from '../../../resolver/wire/types.js';
import {
  ALG, DIGEST, base32hex, buildNsec3Chain, buildNsecChain, generateKey, keyTagOf, makeDs, n, nsec3HashOf, rdata, rr, signRrset, signZone,
} from '../../support/signer.js';

describe('test signer', () => {
  it('RFC 8080 §6 example 1: Ed25519 DNSKEY, DS and RRSIG MX byte for byte', () => {
    const seed = Buffer.from('ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=', 'base64');
    const key = generateKey('example.com', { algorithm: ALG.ED25519, seed, flags: 257 });
    expect(Buffer.from(key.dnskey.rdata.subarray(4)).toString('base64')).toBe('l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=');
    expect(key.keyTag).toBe(3613);
    const ds = makeDs(key.dnskey, DIGEST.SHA256);
    expect(Buffer.from(ds.rdata.subarray(4)).toString('hex')).toBe('3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b');
    const mx = rr('example.com', T.MX, rdata.mx(10, 'mail.example.com'), 3600);
    const sig = signRrset([mx], key, { inception: 1438207200, expiration: 1440021600 });
    expect(Buffer.from(sig.rdata.subarray(sig.rdata.length - 64)).toString('base64'))
      .toBe('oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==');
  });

  it('RFC 5155 Appendix A: NSEC3 hashes with salt aabbccdd, 12 iterations', () => {
    const salt = Buffer.from('aabbccdd', 'hex');
    expect(base32hex(nsec3HashOf(n('example'), salt, 12))).toBe('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom');
    expect(base32hex(nsec3HashOf(n('a.example'), salt, 12))).toBe('35mthgpgcu1qg68fab165klnsnk3dpvl');
    expect(base32hex(nsec3HashOf(n('x.w.example'), salt, 12))).toBe('b4um86eghhds6nea196smvmlo4ors995');
  });

  it('key tag matches RFC 4034 Appendix B on a plain key', () => {
    expect(keyTagOf(Uint8Array.from([1, 1, 3, 8, 0xaa]))).toBe(((0x0101 + 0x0308 + 0xaa00) & 0xffff));
  });

  it('chains: NSEC skips glue, NSEC3 adds empty non-terminals and honours opt-out', () => {
    const zone = n('example');
    const rrs = [
      rr('example', T.SOA, rdata.soa('ns.example', 'h.example')), rr('example', T.NS, rdata.ns('ns.example')),
      rr('ns.example', T.A, rdata.a('192.0.2.1')), rr('a.b.example', T.A, rdata.a('192.0.2.2')),
      rr('sub.example', T.NS, rdata.ns('ns.sub.example')), rr('ns.sub.example', T.A, rdata.a('192.0.2.3')),
    ];
    expect(buildNsecChain(zone, rrs, 300).map((r) => r.name.toString())).toEqual(['example.', 'a.b.example.', 'ns.example.', 'sub.example.']);
    expect(buildNsec3Chain(zone, rrs, 300).length).toBe(5);
    expect(buildNsec3Chain(zone, rrs, 300, { optOut: true }).length).toBe(4);
    const key = generateKey(zone, { algorithm: ALG.ECDSAP256 });
    const all = signZone(zone, rrs, [key], { inception: 0, expiration: 2 ** 31, denial: 'nsec3' });
    const sigOwners = all.filter((r) => r.type === T.RRSIG).map((r) => r.name.toString());
    expect(sigOwners).not.toContain('sub.example.');
    expect(sigOwners).not.toContain('ns.sub.example.');
  });
});
