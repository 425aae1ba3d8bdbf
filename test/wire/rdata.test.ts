/** RDATA views and presentation format, cross-checked against BIND's named-rrchecker (a real, independent parser). */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { Name } from '../../resolver/wire/name.js';
import { T, typeFromName } from '../../resolver/wire/types.js';
import { fromHex } from '../../resolver/wire/encoding.js';
import {
  decodeA, decodeAaaa, decodeMx, decodeSoa, decodeSrv, decodeTargetName, decodeTlsa, decodeTxt, formatRrsigTime, rdataToText,
} from '../../resolver/wire/rdata.js';
import { WireError } from '../../resolver/wire/errors.js';

function rrchecker(flag: '-p' | '-u', line: string): string {
  return execFileSync('named-rrchecker', [flag], { input: `${line}\n`, encoding: 'utf8' }).trim();
}

/** Record texts BIND parses; each is printed by BIND and by daneel from the same wire RDATA. */
const CORPUS = [
  'IN A 192.0.2.1', 'IN A 0.0.0.0',
  'IN AAAA 2001:db8::1', 'IN AAAA ::', 'IN AAAA ::1', 'IN AAAA 2001:db8:0:0:1:0:0:1', 'IN AAAA 2001:0:0:1::1',
  'IN AAAA ::ffff:192.0.2.7', 'IN AAAA fe80::1:2:3:4:5:6', 'IN AAAA 1:2:3:4:5:6:7:8', 'IN AAAA 1::',
  'IN NS Ns1.Example.COM.', 'IN CNAME a\\.b.\\195\\200.example.', 'IN DNAME target.example.', 'IN PTR \\@\\$\\;x.example.',
  'IN SOA ns.example. hostmaster\\.x.example. 2026112601 7200 900 1209600 300',
  'IN MX 0 .', 'IN MX 65535 mail.example.',
  'IN TXT "a\\"b" "c\\\\d" "\\255x" "tab\\009" ""', 'IN TXT "hello world"',
  'IN SRV 0 5 443 _x.example.', 'IN TLSA 3 1 1 aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899',
  'IN SMIMEA 0 0 0 30', 'IN RRSIG TLSA 13 4 3600 20360101000000 20240101000000 65535 example.com. AAECAwQFBgcICQ==',
  'IN RRSIG TYPE65280 8 0 0 20261126120000 20261126115959 0 . AA==',
  'IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==',
  'IN CDNSKEY 0 3 0 AA==', 'IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D', 'IN CDS 0 0 0 00',
  'IN NSEC a\\.b.example. A NS SOA RRSIG NSEC DNSKEY TYPE1000 TYPE65534', 'IN NSEC \\000.example. TLSA',
  'IN NSEC3 1 1 10 AABB 0123456789ABCDEFGHIJKLMNOPQRSTUV A RRSIG', 'IN NSEC3 1 0 0 - 0123456789ABCDEFGHIJKLMNOPQRSTUV',
  'IN NSEC3PARAM 1 0 0 -', 'IN NSEC3PARAM 1 0 150 0102030405',
  'IN TYPE65280 \\# 3 010203', 'IN TYPE4000 \\# 0',
];

/** Fields before the base64/hex blob, which BIND wraps at a fixed width. */
const FIXED_FIELDS: Record<string, number> = { DNSKEY: 3, CDNSKEY: 3, DS: 3, CDS: 3, TLSA: 3, SMIMEA: 3, RRSIG: 8 };

function normalise(type: string, text: string): string {
  const n = FIXED_FIELDS[type];
  if (n === undefined) return text;
  const tokens = text.split(/\s+/);
  return [...tokens.slice(0, n), tokens.slice(n).join('')].join(' ');
}

describe('rdataToText matches BIND named-rrchecker for every printed type', () => {
  for (const line of CORPUS) {
    it(line, () => {
      const generic = /\\# (\d+) ?([0-9A-F]*)$/.exec(rrchecker('-u', line));
      expect(generic, `named-rrchecker -u output for ${line}`).not.toBeNull();
      const rdata = fromHex(generic![2]!);
      expect(rdata.length).toBe(Number(generic![1]));
      const [, typeText, bindText] = /^IN\t(\S+)\t(.*)$/.exec(rrchecker('-p', line))!;
      const type = typeFromName(typeText!)!;
      expect(normalise(typeText!, rdataToText(type, rdata))).toBe(normalise(typeText!, bindText!));
    });
  }
});

describe('typed RDATA views', () => {
  const wire = (s: string) => [...Name.parse(s).wire];
  const u32 = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  const code = (f: () => unknown) => { try { f(); } catch (e) { return e instanceof WireError ? e.code : 'other'; } return 'ok'; };

  it('decodes A, AAAA, NS-like targets, SOA, MX, TXT, SRV, TLSA', () => {
    expect(decodeA(Uint8Array.of(10, 0, 0, 255))).toBe('10.0.0.255');
    expect(decodeAaaa(Uint8Array.of(0x20, 1, 0xd, 0xb8, ...new Array<number>(11).fill(0), 1))).toBe('2001:db8::1');
    expect(decodeTargetName(Uint8Array.from(wire('Ns.Example.'))).toString()).toBe('Ns.Example.');
    const soa = decodeSoa(Uint8Array.from([...wire('ns.x.'), ...wire('h.x.'), ...u32(0xffffffff), ...u32(1), ...u32(2), ...u32(3), ...u32(4)]));
    expect(soa).toMatchObject({ serial: 0xffffffff, refresh: 1, retry: 2, expire: 3, minimum: 4 });
    expect(soa.rname.toString()).toBe('h.x.');
    const mx = decodeMx(Uint8Array.from([1, 2, ...wire('mx.x.')]));
    expect(mx.preference).toBe(258);
    expect(mx.exchange.toString()).toBe('mx.x.');
    expect(decodeTxt(Uint8Array.of(1, 0x61, 0, 2, 0x62, 0x63)).map((s) => [...s])).toEqual([[0x61], [], [0x62, 0x63]]);
    const srv = decodeSrv(Uint8Array.from([0, 1, 0, 2, 0x01, 0xbb, ...wire('t.x.')]));
    expect(srv).toMatchObject({ priority: 1, weight: 2, port: 443 });
    expect(decodeTlsa(Uint8Array.of(3, 1, 1, 0xab))).toMatchObject({ usage: 3, selector: 1, mtype: 1, data: Uint8Array.of(0xab) });
  });

  it('rejects malformed RDATA with WireError, and rdataToText falls back to the RFC 3597 form', () => {
    expect(code(() => decodeA(Uint8Array.of(1, 2, 3)))).toBe('RDATA_BAD_LENGTH');
    expect(code(() => decodeAaaa(new Uint8Array(15)))).toBe('RDATA_BAD_LENGTH');
    expect(code(() => decodeTargetName(Uint8Array.of(0xc0, 0)))).toBe('RDATA_MALFORMED');
    expect(code(() => decodeTargetName(Uint8Array.of(1, 0x61, 0, 0)))).toBe('RDATA_TRAILING');
    expect(code(() => decodeSoa(Uint8Array.of(0, 0, 1)))).toBe('RDATA_BAD_LENGTH');
    expect(code(() => decodeMx(Uint8Array.of(0, 1)))).toBe('RDATA_TRUNCATED');
    expect(code(() => decodeTxt(Uint8Array.of(5, 0x61)))).toBe('RDATA_TRUNCATED');
    expect(code(() => decodeTxt(new Uint8Array(0)))).toBe('RDATA_TRUNCATED');
    expect(code(() => decodeTlsa(Uint8Array.of(3, 1)))).toBe('RDATA_TRUNCATED');
    expect(rdataToText(T.A, Uint8Array.of(1, 2, 3))).toBe('\\# 3 010203');
    expect(rdataToText(T.RRSIG, Uint8Array.of(0, 1))).toBe('\\# 2 0001');
    expect(rdataToText(T.NSEC3PARAM, Uint8Array.of(1, 0, 0, 0, 0, 9))).toBe('\\# 6 010000000009');
    expect(rdataToText(T.TLSA, Uint8Array.of(3, 1, 1))).toBe('\\# 3 030101');
  });

  it('formats RRSIG times as YYYYMMDDHHmmSS UTC across the whole 32-bit range (RFC 4034 §3.2)', () => {
    expect(formatRrsigTime(0)).toBe('19700101000000');
    expect(formatRrsigTime(951782400)).toBe('20000229000000');
    expect(formatRrsigTime(1704067200)).toBe('20240101000000');
    expect(formatRrsigTime(2082758399)).toBe('20351231235959');
    expect(formatRrsigTime(0xffffffff)).toBe('21060207062815');
    for (let s = 0; s < 0xffffffff; s += 86399 * 97) {
      expect(formatRrsigTime(s)).toBe(new Date(s * 1000).toISOString().replace(/[-T:]/g, '').slice(0, 14));
    }
  });
});
