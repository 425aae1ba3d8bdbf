/** EDE option helpers (RFC 8914), query building, and dig-like presentation. */
import { describe, expect, it } from 'vitest';
import { Name } from '../../resolver/wire/name.js';
import { WireError } from '../../resolver/wire/errors.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { T, type EdnsInfo, type Message } from '../../resolver/wire/types.js';
import { decodeEde, encodeEde, getEde, getEdes, withEde } from '../../resolver/wire/edns.js';
import { buildQuery, randomId } from '../../resolver/wire/query.js';
import { messageToText, rrToText } from '../../resolver/wire/present.js';
import { EDE } from '../../resolver/dnssec/verdict.js';

describe('Extended DNS Errors (RFC 8914 §2)', () => {
  it('encodes INFO-CODE big-endian followed by UTF-8 EXTRA-TEXT, and decodes it back', () => {
    const o = encodeEde({ infoCode: EDE.SIGNATURE_EXPIRED, extraText: 'sig expired ✗' });
    expect(o.code).toBe(15);
    expect([...o.data.subarray(0, 2)]).toEqual([0, 7]);
    expect(Buffer.from(o.data.subarray(2)).toString('utf8')).toBe('sig expired ✗');
    expect(decodeEde(o)).toEqual({ infoCode: 7, extraText: 'sig expired ✗' });
  });

  it('accepts an empty EXTRA-TEXT, drops a trailing NUL, rejects a short option', () => {
    expect(decodeEde({ code: 15, data: Uint8Array.of(0, 6) })).toEqual({ infoCode: 6, extraText: '' });
    expect(decodeEde({ code: 15, data: Uint8Array.of(0, 6, 0x61, 0) })).toEqual({ infoCode: 6, extraText: 'a' });
    expect(() => decodeEde({ code: 15, data: Uint8Array.of(0) })).toThrow(WireError);
    expect(() => encodeEde({ infoCode: 70000, extraText: '' })).toThrow(WireError);
  });

  it('finds EDE options in a decoded message, skipping other and malformed options', () => {
    let edns: EdnsInfo = { udpSize: 1232, version: 0, do: true, options: [{ code: 10, data: new Uint8Array(8) }, { code: 15, data: Uint8Array.of(1) }] };
    edns = withEde(withEde(edns, { infoCode: 6, extraText: 'bogus' }), { infoCode: 9, extraText: '' });
    const msg = decodeMessage(encodeMessage({
      id: 1, flags: { qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: true, ad: false, cd: false }, rcode: 2,
      question: [], answer: [], authority: [], additional: [], edns,
    }));
    expect(getEde(msg)).toEqual({ infoCode: 6, extraText: 'bogus' });
    expect(getEdes(msg).map((e) => e.infoCode)).toEqual([6, 9]);
    expect(getEde({})).toBeUndefined();
  });
});

describe('buildQuery', () => {
  it('builds a DO/CD query with EDNS that decodes to the same question, case preserved', () => {
    const q = decodeMessage(buildQuery({ id: 0x4242, name: Name.parse('_443._tcp.WwW.example.'), type: T.TLSA, rd: false, cd: true, do: true, udpSize: 1400 }));
    expect(q.id).toBe(0x4242);
    expect(q.flags).toMatchObject({ qr: false, rd: false, cd: true, ad: false, tc: false });
    expect(q.question[0]!.name.toString()).toBe('_443._tcp.WwW.example.');
    expect(q.question[0]!.type).toBe(T.TLSA);
    expect(q.edns).toEqual({ udpSize: 1400, version: 0, do: true, options: [] });
  });

  it('omits EDNS when neither DO nor a UDP size is asked for, and sets AD when asked', () => {
    const bytes = buildQuery({ id: 1, name: Name.parse('example.'), type: T.A, rd: true, cd: false, do: false, ad: true });
    expect(bytes.length).toBe(12 + 9 + 4);
    const q = decodeMessage(bytes);
    expect(q.edns).toBeUndefined();
    expect(q.flags).toMatchObject({ rd: true, ad: true });
  });

  it('matches the query dig would send (header flags and OPT bytes)', () => {
    const bytes = buildQuery({ id: 0xabcd, name: Name.parse('example.com.'), type: T.A, rd: true, cd: false, do: true, udpSize: 1232, ad: true });
    // dig +dnssec +nocookie +adflag (captured from dig 9.18): flags 0x0120 (RD, AD), one question, OPT: root, type 41, class 1232, TTL 0x00008000.
    expect(Buffer.from(bytes).toString('hex')).toBe('abcd01200001000000000001' + '076578616d706c6503636f6d0000010001' + '00002904d000008000' + '0000');
  });

  it('draws IDs from the whole 16-bit range', () => {
    const ids = Array.from({ length: 2000 }, randomId);
    expect(ids.every((i) => Number.isInteger(i) && i >= 0 && i <= 0xffff)).toBe(true);
    expect(new Set(ids).size).toBeGreaterThan(1900);
    expect(ids.some((i) => i > 0x8000)).toBe(true);
  });
});

describe('presentation', () => {
  const msg: Message = {
    id: 4711, flags: { qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: true, ad: true, cd: true }, rcode: 2,
    question: [{ name: Name.parse('_25._tcp.mx.example.'), type: T.TLSA, class: 1 }],
    answer: [{ name: Name.parse('_25._tcp.mx.example.'), type: T.TLSA, class: 1, ttl: 300, rdata: Uint8Array.of(3, 1, 1, 0xab, 0xcd) }],
    authority: [{ name: Name.parse('example.'), type: T.NS, class: 1, ttl: 86400, rdata: Name.parse('ns.example.').wire }],
    additional: [{ name: Name.parse('ns.example.'), type: 65280, class: 3, ttl: 0, rdata: Uint8Array.of(1) }],
    edns: { udpSize: 1232, version: 0, do: true, options: [encodeEde({ infoCode: 6, extraText: 'RRSIG over TLSA failed' })] },
  };

  it('prints an RR as tab-separated owner, TTL, class, type and RDATA', () => {
    expect(rrToText(msg.answer[0]!)).toBe('_25._tcp.mx.example.\t300\tIN\tTLSA\t3 1 1 ABCD');
    expect(rrToText(msg.additional[0]!)).toBe('ns.example.\t0\tCH\tTYPE65280\t\\# 1 01');
  });

  it('renders a message like dig: status, flags incl. ad/cd, EDNS with EDE, sections', () => {
    const text = messageToText(msg);
    expect(text).toContain(';; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 4711');
    expect(text).toContain(';; flags: qr rd ra ad cd; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 2');
    expect(text).toContain('; EDNS: version: 0, flags: do; udp: 1232');
    expect(text).toContain('; EDE: 6 (DNSSEC Bogus): (RRSIG over TLSA failed)');
    expect(text).toContain(';; QUESTION SECTION:\n;_25._tcp.mx.example.\t\tIN\tTLSA');
    expect(text).toContain(';; ANSWER SECTION:\n_25._tcp.mx.example.\t300\tIN\tTLSA\t3 1 1 ABCD');
    expect(text).toContain(';; AUTHORITY SECTION:\nexample.\t86400\tIN\tNS\tns.example.');
    expect(messageToText({ ...msg, edns: undefined, rcode: 3, additional: [] })).not.toContain('OPT PSEUDOSECTION');
  });
});
