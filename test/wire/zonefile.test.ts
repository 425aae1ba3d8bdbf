/**
 * Zone-file parser (resolver/wire/zonefile.ts, rdata-text.ts): RFC 1035 §5 syntax, each type's text -> exact wire
 * RDATA, escapes, and errors that name file and line. Expected bytes come from an independent parser:
 * `ldns-read-zone -U HINFO` (ldnsutils 1.8.3), which prints every RDATA in RFC 3597 `\# LEN HEX` form.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Name } from '../../resolver/wire/name.js';
import { CLASS_IN, T } from '../../resolver/wire/types.js';
import { toHex } from '../../resolver/wire/encoding.js';
import { parseRecordLine, parseZone, ZoneSyntaxError } from '../../resolver/wire/zonefile.js';

const ORIGIN = Name.parse('Example.');
const hexOf = (text: string, origin = ORIGIN): string => toHex(parseRecordLine(text, { origin, defaultTtl: 300 }).rdata).toLowerCase();

function syntaxError(text: string, opts = {}): ZoneSyntaxError {
  try {
    parseZone(text, opts);
  } catch (e) {
    if (e instanceof ZoneSyntaxError) return e;
    throw e;
  }
  throw new Error('expected a ZoneSyntaxError');
}

/** [record text (origin Example.), RDATA hex as printed by ldns-read-zone -U HINFO]. */
const VECTORS: Array<[string, string]> = [
  ['@ SOA Ns1 Host\\.Master 2024010101 1h 15m 2w 300', '034e7331074578616d706c65000b486f73742e4d6173746572074578616d706c650078a3f17500000e1000000384001275000000012c'],
  ['a A 192.0.2.1', 'c0000201'],
  ['a AAAA 2001:db8::1', '20010db8000000000000000000000001'],
  ['b AAAA ::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
  ['b AAAA 2001:db8:0:0:1:0:0:1', '20010db8000000000001000000000001'],
  ['@ NS Ns1', '034e7331074578616d706c6500'],
  ['c CNAME Target.Other.', '06546172676574054f7468657200'],
  ['d DNAME Target.Other.', '06546172676574054f7468657200'],
  ['1.2 PTR Host.', '04486f737400'],
  ['@ MX 10 Mail', '000a044d61696c074578616d706c6500'],
  ['t TXT "a b" c "" "\\"\\\\\\065\\255"', '0361206201630004225c41ff'],
  ['_443._tcp SRV 0 5 443 Www', '0000000501bb03577777074578616d706c6500'],
  ['@ DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D', '4f660802e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d'],
  ['@ CDS 0 0 0 00', '0000000000'],
  ['@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+ KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==',
    '0101030d99db2cc14cabdc33d6d77da63a2f15f71112584f234e8d1dc428e39e8a4a97e1aa271a555dc90701e17e2a4c4b6f120b7c32d44f4ac02bd894cf2d4be7778a19'],
  ['@ CDNSKEY 0 3 0 AA==', '0000030000'],
  ['@ RRSIG A 13 2 300 20360101000000 20240101000000 12345 Example. mdsswUyr3DPW132mOi8V9xESWE8jTo0d',
    '00010d020000012c7c245f00659200803039074578616d706c650099db2cc14cabdc33d6d77da63a2f15f71112584f234e8d1d'],
  ['@ RRSIG A 13 2 300 2082758400 1704067200 12345 Example. mdsswUyr3DPW132mOi8V9xESWE8jTo0d',
    '00010d020000012c7c245f00659200803039074578616d706c650099db2cc14cabdc33d6d77da63a2f15f71112584f234e8d1d'],
  ['@ NSEC \\000.Example. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY TYPE65534 CAA',
    '0100074578616d706c6500000762018008000380010140ff200000000000000000000000000000000000000000000000000000000000000002'],
  ['@ NSEC3 1 1 10 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG', '0101000a04aabbccdd1417f3df17b2b2adaef615257de4d2020b80ac6c7c0006400000000002'],
  ['@ NSEC3 1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s', '01000000001417f3df17b2b2adaef615257de4d2020b80ac6c7c'],
  ['@ NSEC3PARAM 1 0 0 -', '0100000000'],
  ['@ NSEC3PARAM 1 0 12 aabbccdd', '0100000c04aabbccdd'],
  ['_25._tcp TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', '0301010123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
  ['x SMIMEA 3 0 1 0123456789ABCDEF', '0300010123456789abcdef'],
  ['@ SSHFP 4 2 123456789abcdef67890123456789abcdef67890123456789abcdef123456789ab', '0402123456789abcdef67890123456789abcdef67890123456789abcdef123456789ab'],
  ['@ CAA 128 issue "ca.example.net; account=1"', '8005697373756563612e6578616d706c652e6e65743b206163636f756e743d31'],
  ['@ CAA 0 iodef "mailto:a@b.c"', '0005696f6465666d61696c746f3a6140622e63'],
  ['u TYPE65280 \\# 3 abcdef', 'abcdef'],
  ['u TYPE65281 \\# 0', ''],
  // HINFO: two character-strings (RFC 1035 §3.3.2), computed by hand.
  ['h HINFO "PC-Intel" Linux', '0850432d496e74656c054c696e7578'],
];

describe('RDATA text -> wire bytes, per type (agreeing with ldns-read-zone)', () => {
  it.each(VECTORS)('%s', (text, hex) => {
    expect(hexOf(text)).toBe(hex);
  });

  it('accepts RFC 3597 generic RDATA for a known type and gives the same bytes', () => {
    expect(hexOf('a A \\# 4 C0000201')).toBe(hexOf('a A 192.0.2.1'));
    expect(hexOf('a TYPE1 192.0.2.1')).toBe('c0000201');
    expect(hexOf('a TYPE1 \\# 4 c0 00 02 01')).toBe('c0000201');
    expect(parseRecordLine('a CLASS1 TYPE1 \\# 4 c0000201', { origin: ORIGIN, defaultTtl: 0 }).class).toBe(CLASS_IN);
    expect(parseRecordLine('a CLASS255 3 TYPE1 \\# 0', { origin: ORIGIN }).class).toBe(255);
  });

  it('joins base64 and hex fields split by whitespace and parentheses, as signers print them', () => {
    const oneLine = hexOf('@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==');
    const split = toHex(parseZone('@ 300 DNSKEY 257 3 13 (\n\tmdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+Gq\n\tJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== ) ; KSK; alg = ECDSAP256SHA256 ; key id = 1\n', { origin: ORIGIN })[0]!.rdata).toLowerCase();
    expect(split).toBe(oneLine);
    expect(hexOf('@ DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D084 58E880409BBC683457104237C7F8EC8D')).toBe(VECTORS[12]![1]);
  });

  it('reads algorithm mnemonics where numbers are expected', () => {
    expect(hexOf('@ DNSKEY 256 3 ECDSAP256SHA256 AA==')).toBe('0100030d00');
    expect(hexOf('@ DS 1 RSASHA256 2 00')).toBe('0001080200');
  });

  it('keeps RRSIG dates beyond 2038 and 2106 as RFC 1982 serial values', () => {
    const exp = (date: string): string => hexOf(`@ RRSIG A 8 1 0 ${date} 19700101000000 1 . AA==`).slice(16, 24);
    expect(exp('20380119031408')).toBe('80000000');
    expect(exp('21060207062816')).toBe('00000000');
    expect(exp('4294967295')).toBe('ffffffff');
  });
});

describe('master file syntax (RFC 1035 §5.1)', () => {
  it('applies $ORIGIN, $TTL, @, relative names, omitted owner, and TTL/class in either order', () => {
    const rrs = parseZone([
      '$ORIGIN Example.',
      '$TTL 1h',
      '@ IN SOA ns hostmaster 1 2 3 4 5',
      '  IN 60 NS ns',
      '  NS ns2.Other.',
      'www 120 IN A 192.0.2.1',
      '    IN AAAA ::1',
      '$ORIGIN sub',
      'x CH 7 TXT "in sub"',
      '\tTXT second',
    ].join('\n'));
    expect(rrs.map((r) => [r.name.toString(), r.ttl, r.class, r.type])).toEqual([
      ['Example.', 3600, CLASS_IN, T.SOA],
      ['Example.', 60, CLASS_IN, T.NS],
      ['Example.', 3600, CLASS_IN, T.NS],
      ['www.Example.', 120, CLASS_IN, T.A],
      ['www.Example.', 3600, CLASS_IN, T.AAAA],
      ['x.sub.Example.', 7, 3, T.TXT],
      ['x.sub.Example.', 3600, 3, T.TXT],
    ]);
    expect(toHex(rrs[1]!.rdata)).toBe(toHex(Name.parse('ns.Example.').wire));
  });

  it('without $TTL an omitted TTL is the last one stated (RFC 1035 §5.1), else the default', () => {
    const rrs = parseZone('a. 42 A 192.0.2.1\nb. A 192.0.2.2\n');
    expect(rrs.map((r) => r.ttl)).toEqual([42, 42]);
    expect(parseZone('a. A 192.0.2.1', { defaultTtl: 9 })[0]!.ttl).toBe(9);
  });

  it('joins lines inside parentheses and ignores comments, also inside them', () => {
    const rrs = parseZone('$ORIGIN example.\n@ 300 IN SOA ns host ( ; primary\n  2024 ; serial\n  7200 3600\n\n  1209600 300 )\nafter 1 A 192.0.2.9 ; trailing\n');
    expect(rrs).toHaveLength(2);
    expect(toHex(rrs[0]!.rdata).slice(-40)).toBe('000007E800001C2000000E1000127500' + '0000012C');
    expect(rrs[1]!.name.toString()).toBe('after.example.');
  });

  it('keeps a semicolon and parentheses inside quotes, and escaped ones outside', () => {
    const rrs = parseZone('t. 1 TXT "a ; (b)" c\\;d \\(e\\)\n');
    expect(toHex(rrs[0]!.rdata)).toBe(toHex(Uint8Array.from([7, ...Buffer.from('a ; (b)'), 3, ...Buffer.from('c;d'), 3, ...Buffer.from('(e)')])));
  });

  it('keeps owner names exactly: case, \\., \\DDD and bytes >= 0x80', () => {
    const [rr] = parseZone('Dot\\.In.\\128\\255X.Example. 1 A 192.0.2.1');
    expect(rr!.name.labels.map((l) => toHex(l))).toEqual(['446F742E496E', '80FF58', '4578616D706C65']);
  });

  it('encodes non-ASCII text as UTF-8 bytes', () => {
    expect(hexOf('t TXT "é"')).toBe('02c3a9');
  });

  it('accepts CRLF line ends', () => {
    expect(parseZone('a. 1 A 192.0.2.1\r\nb. 1 A 192.0.2.2\r\n')).toHaveLength(2);
  });

  it('parses a trust-anchor line without an origin', () => {
    const rr = parseRecordLine('. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D');
    expect([rr.name.isRoot, rr.type, rr.ttl]).toEqual([true, T.DS, 0]);
  });
});

describe('errors: ZoneSyntaxError with a stable code, file and line', () => {
  const cases: Array<[string, string, number]> = [
    ['$INCLUDE other.zone', 'INCLUDE_UNSUPPORTED', 1],
    ['$GENERATE 1-2 a$ A 1.2.3.$', 'UNKNOWN_DIRECTIVE', 1],
    ['a. 1 A 192.0.2.1\n\nb. 1 A 192.0.2.256', 'BAD_ADDRESS', 3],
    ['a. 1 A 192.0.2.1 extra', 'RDATA_TRAILING', 1],
    ['a. 1 AAAA 1::2::3', 'BAD_ADDRESS', 1],
    ['a. 1 A', 'RDATA_MISSING_FIELD', 1],
    ['a. 1 BOGUSTYPE x', 'UNKNOWN_TYPE', 1],
    ['a. 1 NAPTR 1 2 "" "" "" .', 'UNSUPPORTED_TYPE', 1],
    ['a. 1 TYPE65280 \\# 3 abcd', 'GENERIC_LENGTH_MISMATCH', 1],
    ['a. 1 TXT "unterminated\nb. 1 A 1.2.3.4', 'UNTERMINATED_STRING', 1],
    ['a. 1 SOA ( ns. host. 1 2 3\n4 5', 'UNBALANCED_PAREN', 1],
    ['a. 1 A 192.0.2.1 )', 'UNBALANCED_PAREN', 1],
    ['a 1 A 192.0.2.1', 'NO_ORIGIN', 1],
    ['  1 A 192.0.2.1', 'NO_OWNER', 1],
    ['a. A 192.0.2.1', 'NO_TTL', 1],
    ['a. 1 DS 1 8 2 ABC', 'BAD_HEX', 1],
    ['a. 1 DNSKEY 256 3 8 AAA', 'BAD_BASE64', 1],
    ['a. 1 RRSIG A 8 1 0 20241301000000 20240101000000 1 . AA==', 'BAD_TIME', 1],
    ['a. 1 NSEC3 1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3W A', 'BAD_BASE32', 1],
    ['a. 1 MX 65536 b.', 'NUMBER_OUT_OF_RANGE', 1],
    ['a. 1 TXT "\\256"', 'BAD_ESCAPE', 1],
    ['a..b. 1 A 192.0.2.1', 'NAME_EMPTY_LABEL', 1],
    [`a. 1 TXT "${'x'.repeat(256)}"`, 'STRING_TOO_LONG', 1],
    ['a. 1 CAA 0 is-sue "x"', 'BAD_CAA_TAG', 1],
  ];
  it.each(cases)('%j -> %s at line %i', (text, code, line) => {
    const e = syntaxError(text, { file: 'z.zone' });
    expect([e.code, e.line, e.file]).toEqual([code, line, 'z.zone']);
    expect(e.message).toMatch(new RegExp(`^z\\.zone:${line}: `));
  });
});

describe('hostile input', () => {
  const zoneChars = fc.constantFrom(...'a.\\0123456789 \t\n;()"@$#-+/=ABINSOAXT*'.split(''), 'TXT', 'IN', 'A', 'NSEC', 'RRSIG', '\\#', '$ORIGIN', '$TTL', '\\255');
  const outcome = (text: string): 'ok' | 'syntax' => {
    try {
      parseZone(text, { origin: ORIGIN, defaultTtl: 1 });
      return 'ok';
    } catch (e) {
      if (e instanceof ZoneSyntaxError && typeof e.code === 'string' && e.line >= 0) return 'syntax';
      throw e;
    }
  };

  it('arbitrary strings only ever give RR[] or ZoneSyntaxError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => { outcome(s); }), { numRuns: 2000 });
  });

  it('arbitrary bytes (as latin1 and as UTF-8 text) only ever give RR[] or ZoneSyntaxError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      outcome(Buffer.from(b).toString('latin1'));
      outcome(Buffer.from(b).toString('utf8'));
    }), { numRuns: 2000 });
  });

  it('zone-like token soup only ever gives RR[] or ZoneSyntaxError', () => {
    fc.assert(fc.property(fc.array(zoneChars, { maxLength: 80 }), (parts) => { outcome(parts.join('')); }), { numRuns: 3000 });
  });

  it('a name too long is a ZoneSyntaxError, not a crash', () => {
    expect(syntaxError(`${'a'.repeat(63)}.`.repeat(5) + ' 1 A 192.0.2.1').code).toBe('NAME_TOO_LONG');
  });
});
