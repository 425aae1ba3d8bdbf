/** Unit tests of the message codec: RDATA decompression, OPT lifting, truncation to a size limit. */
import { describe, expect, it } from 'vitest';
import { Name } from '../../resolver/wire/name.js';
import { WireError } from '../../resolver/wire/errors.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { T, type Message, type RR } from '../../resolver/wire/types.js';
import { exact, rawMessage, w } from './arbitraries.js';

const hex = (b: Uint8Array | number[]) => Buffer.from(Uint8Array.from(b)).toString('hex');
const u16 = (v: number) => [v >> 8, v & 0xff];
const u32 = (v: number) => [...u16(Math.floor(v / 65536)), ...u16(v & 0xffff)];
const ptr = (off: number) => [0xc0 | (off >> 8), off & 0xff];

/** Appends an RR to `body` (which starts at message offset 12) and returns the message offset of its RDATA. */
function addRr(body: number[], owner: number[], type: number, rdata: (rdataStart: number) => number[]): number {
  body.push(...owner, ...u16(type), ...u16(1), ...u32(3600));
  const start = 12 + body.length + 2;
  const r = rdata(start);
  body.push(...u16(r.length), ...r);
  return start;
}

function codeOf(f: () => unknown): string {
  try { f(); } catch (e) { if (e instanceof WireError) return e.code; throw e; }
  return 'no error';
}

function baseMessage(parts: Partial<Message>): Message {
  return {
    id: 1, flags: { qr: true, opcode: 0, aa: true, tc: false, rd: false, ra: false, ad: false, cd: false }, rcode: 0,
    question: [], answer: [], authority: [], additional: [], ...parts,
  };
}

function rr(name: string, type: number, rdata: Uint8Array | number[], ttl = 300): RR {
  return { name: Name.parse(name), type, class: 1, ttl, rdata: Uint8Array.from(rdata) };
}

describe('compressed names inside RDATA (RFC 1035 §4.1.4, RFC 3597 §4)', () => {
  // Question "Example.COM. MX" at offset 12; every RDATA name below points back into earlier names.
  const body: number[] = [...w('Example.COM.'), ...u16(T.MX), ...u16(1)];
  const cnameAt = addRr(body, ptr(12), T.CNAME, () => [3, 0x77, 0x57, 0x77, ...ptr(12)]); // wWw.Example.COM.
  addRr(body, ptr(cnameAt), T.MX, () => [0, 10, 4, 0x4d, 0x61, 0x69, 0x6c, ...ptr(cnameAt)]); // Mail.wWw.Example.COM.
  const nsAt = addRr(body, ptr(12), T.NS, () => [3, 0x4e, 0x73, 0x31, ...ptr(12)]); // Ns1.Example.COM.
  addRr(body, ptr(12), T.SOA, () => [...ptr(nsAt), 10, 0x48, 0x6f, 0x73, 0x74, 0x6d, 0x61, 0x73, 0x74, 0x65, 0x72,
    ...ptr(12), ...u32(2026112601), ...u32(7200), ...u32(900), ...u32(1209600), ...u32(300)]); // rname: Hostmaster.Example.COM.
  addRr(body, ptr(12), T.SRV, () => [0, 1, 0, 2, 0x01, 0xbb, 3, 0x53, 0x72, 0x56, ...ptr(12)]); // sender compressed SRV
  addRr(body, ptr(12), T.DNAME, () => [1, 0x64, ...ptr(nsAt)]); // sender compressed DNAME
  const packet = rawMessage({ qd: 1, an: 6 }, body);
  const msg = decodeMessage(packet);

  it('decompresses CNAME, MX, NS and SOA RDATA into the exact uncompressed bytes, case preserved', () => {
    const [cname, mx, ns] = msg.answer;
    expect(hex(cname!.rdata)).toBe(hex(w('wWw.Example.COM.')));
    expect(hex(mx!.rdata)).toBe(hex([0, 10, ...w('Mail.wWw.Example.COM.')]));
    expect(hex(ns!.rdata)).toBe(hex(w('Ns1.Example.COM.')));
    const soa = msg.answer[3]!;
    expect(hex(soa.rdata)).toBe(hex([...w('Ns1.Example.COM.'), ...w('Hostmaster.Example.COM.'),
      ...u32(2026112601), ...u32(7200), ...u32(900), ...u32(1209600), ...u32(300)]));
    expect(hex(mx!.name.wire)).toBe(hex(w('wWw.Example.COM.')));
  });

  it('also decompresses SRV and DNAME if a sender compressed them', () => {
    expect(hex(msg.answer[4]!.rdata)).toBe(hex([0, 1, 0, 2, 0x01, 0xbb, ...w('SrV.Example.COM.')]));
    expect(hex(msg.answer[5]!.rdata)).toBe(hex(w('d.Ns1.Example.COM.')));
  });

  it('re-encodes with compression inside those RDATA and decodes back to the same bytes', () => {
    const packed = encodeMessage(msg, { compress: true });
    const plain = encodeMessage(msg, { compress: false });
    expect(packed.length).toBeLessThan(plain.length);
    expect(exact(decodeMessage(packed))).toEqual(exact(msg));
    expect(exact(decodeMessage(plain))).toEqual(exact(msg));
  });

  it('compresses only the RFC 1035 types on encode: SRV and DNAME RDATA stay uncompressed', () => {
    const m = baseMessage({ answer: [rr('a.example.', T.SRV, [0, 1, 0, 2, 0, 3, ...w('a.example.')]), rr('a.example.', T.DNAME, w('a.example.'))] });
    const out = encodeMessage(m, { compress: true });
    // SRV RDATA carries the literal name although the owner before it could be pointed at.
    expect(hex(out)).toContain(hex([0, 0x11, 0, 1, 0, 2, 0, 3, ...w('a.example.')]));
    // DNAME: owner compressed to a pointer, RDATA (11 octets) the literal name.
    expect(hex(out).endsWith(hex([0xc0, 12, 0, T.DNAME, 0, 1, ...u32(300), 0, 11, ...w('a.example.')]))).toBe(true);
  });

  it('never touches RRSIG, NSEC, DNSKEY, DS, NSEC3, TLSA or unknown RDATA, even if it looks like a pointer', () => {
    const looksCompressed = [3, 0x61, 0x62, 0x63, 0xc0, 0x0c];
    for (const type of [T.RRSIG, T.NSEC, T.DNSKEY, T.DS, T.NSEC3, T.TLSA, 65280]) {
      const b: number[] = [...w('example.'), ...u16(type), ...u16(1)];
      addRr(b, ptr(12), type, () => looksCompressed);
      const d = decodeMessage(rawMessage({ qd: 1, an: 1 }, b));
      expect(hex(d.answer[0]!.rdata)).toBe(hex(looksCompressed));
    }
  });

  it('rejects decompressible RDATA whose fields do not fill RDLENGTH exactly', () => {
    const b: number[] = [];
    addRr(b, w('example.'), T.NS, () => [...w('ns.example.'), 0]);
    expect(codeOf(() => decodeMessage(rawMessage({ an: 1 }, b)))).toBe('RDATA_MALFORMED');
    const c: number[] = [];
    addRr(c, w('example.'), T.MX, () => [0]);
    expect(codeOf(() => decodeMessage(rawMessage({ an: 1 }, c)))).toBe('RDATA_MALFORMED');
    const d: number[] = [];
    addRr(d, w('example.'), T.NS, () => [3, 0x61, 0x62]); // label runs past RDLENGTH into nothing
    expect(codeOf(() => decodeMessage(rawMessage({ an: 1 }, d)))).toMatch(/NAME_TRUNCATED|RDATA_MALFORMED/);
    const e: number[] = [];
    addRr(e, w('example.'), T.NS, () => [3, 0x61, 0x62, 0x63]); // name continues into the next RR's bytes
    e.push(...w('example.'), ...u16(T.A), ...u16(1), ...u32(1), 0, 4, 0, 0, 0, 0);
    expect(codeOf(() => decodeMessage(rawMessage({ an: 2 }, e)))).toBe('RDATA_MALFORMED');
  });
});

describe('EDNS OPT record (RFC 6891 §6.1)', () => {
  const opt = (ttl: number, cls = 1232, rdata: number[] = [], owner: number[] = [0]) =>
    [...owner, ...u16(T.OPT), ...u16(cls), ...u32(ttl), ...u16(rdata.length), ...rdata];

  it('lifts OPT into edns: UDP size, version, DO, options, extended RCODE merged', () => {
    const ede = [0, 15, 0, 4, 0, 6, 0x68, 0x69];
    // Extended RCODE 1 with header RCODE 0 is BADVERS (16).
    const m = decodeMessage(rawMessage({ flags: 0x8100, ar: 1 }, opt((1 << 24) | 0x8000, 4096, ede)));
    expect(m.edns).toEqual({ udpSize: 4096, version: 0, do: true, options: [{ code: 15, data: Uint8Array.from([0, 6, 0x68, 0x69]) }] });
    expect(m.rcode).toBe(16);
    expect(m.additional).toEqual([]);
    const back = encodeMessage(m);
    expect(hex(back)).toBe(hex(rawMessage({ flags: 0x8100, ar: 1 }, opt((1 << 24) | 0x8000, 4096, ede))));
  });

  it('reports version and keeps DO clear', () => {
    const m = decodeMessage(rawMessage({ ar: 1 }, opt(0x00010000)));
    expect(m.edns).toMatchObject({ version: 1, do: false, udpSize: 1232 });
  });

  it('rejects a second OPT, an OPT outside additional, a non-root owner and a cut option (FORMERR)', () => {
    expect(codeOf(() => decodeMessage(rawMessage({ ar: 2 }, [...opt(0), ...opt(0)])))).toBe('OPT_DUPLICATE');
    expect(codeOf(() => decodeMessage(rawMessage({ an: 1 }, opt(0))))).toBe('OPT_MISPLACED');
    expect(codeOf(() => decodeMessage(rawMessage({ ns: 1 }, opt(0))))).toBe('OPT_MISPLACED');
    expect(codeOf(() => decodeMessage(rawMessage({ ar: 1 }, opt(0, 512, [], w('a.')))))).toBe('OPT_BAD_OWNER');
    expect(codeOf(() => decodeMessage(rawMessage({ ar: 1 }, opt(0, 512, [0, 15, 0, 9, 0]))))).toBe('OPT_TRUNCATED');
    expect(codeOf(() => decodeMessage(rawMessage({ ar: 1 }, opt(0, 512, [0, 15, 0]))))).toBe('OPT_TRUNCATED');
  });

  it('refuses to encode an extended RCODE without EDNS', () => {
    expect(codeOf(() => encodeMessage(baseMessage({ rcode: 16 })))).toBe('ENCODE_OUT_OF_RANGE');
  });
});

describe('header', () => {
  it('round-trips every flag and the opcode', () => {
    const m = baseMessage({ id: 0xbeef, flags: { qr: true, opcode: 5, aa: true, tc: true, rd: true, ra: true, ad: true, cd: true }, rcode: 3 });
    const out = encodeMessage(m);
    expect(hex(out.subarray(0, 4))).toBe('beef' + hex([0x80 | (5 << 3) | 0x07, 0x80 | 0x30 | 3]));
    expect(decodeMessage(out)).toEqual(m);
  });

  it('ignores octets after the last record', () => {
    const m = decodeMessage(Uint8Array.from([...encodeMessage(baseMessage({ answer: [rr('a.', T.A, [1, 2, 3, 4])] })), 0, 0, 0]));
    expect(m.answer).toHaveLength(1);
  });
});

describe('encoding under a size limit (RFC 2181 §9, RFC 6891 §7)', () => {
  const big = (n: number) => new Uint8Array(n).fill(n & 0xff);
  const sig = (covered: number) => [...u16(covered), ...big(100)];
  const m = baseMessage({
    question: [{ name: Name.parse('example.'), type: T.TXT, class: 1 }],
    answer: [rr('example.', T.TXT, [99, ...big(99)]), rr('example.', T.RRSIG, sig(T.TXT)), rr('example.', T.TXT, [99, ...big(99).fill(1)])],
    authority: [rr('example.', T.NS, w('ns.example.')), rr('example.', T.RRSIG, sig(T.NS))],
    additional: [rr('ns.example.', T.A, [192, 0, 2, 1]), rr('ns.example.', T.AAAA, big(16))],
    edns: { udpSize: 1232, version: 0, do: true, options: [] },
  });
  const full = encodeMessage(m);

  it('keeps everything when it fits, in the original order', () => {
    expect(exact(decodeMessage(encodeMessage(m, { maxSize: full.length })))).toEqual(exact(m));
  });

  it('drops additional RRsets first, keeps OPT, and does not set TC for additional data', () => {
    const d = decodeMessage(encodeMessage(m, { maxSize: full.length - 1 }));
    expect(d.additional.map((r) => r.type)).toEqual([T.A]);
    expect(d.edns?.do).toBe(true);
    expect(d.flags.tc).toBe(false);
  });

  it('drops authority next and then sets TC; an RRSIG goes with the RRset it covers', () => {
    const noAdditional = encodeMessage({ ...m, additional: [] });
    const d = decodeMessage(encodeMessage(m, { maxSize: noAdditional.length - 1 }));
    expect(d.additional).toEqual([]);
    expect(d.authority).toEqual([]);
    expect(d.flags.tc).toBe(true);
    expect(d.edns).toBeDefined();
  });

  it('groups an interleaved answer RRset with its RRSIG and drops it whole', () => {
    const d = decodeMessage(encodeMessage(m, { maxSize: 12 + 13 + 11 + 200 }));
    expect(d.answer).toEqual([]);
    expect(d.flags.tc).toBe(true);
    const withRoom = decodeMessage(encodeMessage({ ...m, authority: [], additional: [] }, { maxSize: 2000 }));
    expect(withRoom.answer.map((r) => r.type)).toEqual([T.TXT, T.RRSIG, T.TXT]);
  });

  it('fails with MSG_TOO_LARGE when not even the question and OPT fit', () => {
    expect(codeOf(() => encodeMessage(m, { maxSize: 30 }))).toBe('MSG_TOO_LARGE');
  });
});
