/** fast-check generators and comparison helpers shared by the wire tests. */
import fc from 'fast-check';
import { Name, MAX_NAME_LENGTH } from '../../resolver/wire/name.js';
import { toHex } from '../../resolver/wire/encoding.js';
import type { EdnsInfo, Message, RR } from '../../resolver/wire/types.js';

/** Bytes that stress escaping and case folding: dot, backslash, quote, specials, upper/lower, 0x00, >= 0x80. */
const SPECIAL_BYTES = [0x2e, 0x5c, 0x22, 0x28, 0x29, 0x3b, 0x40, 0x24, 0x20, 0x00, 0x7f, 0x80, 0xc3, 0xe3, 0xff, 0x41, 0x5a, 0x61, 0x7a, 0x2a];

export const byteArb = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...SPECIAL_BYTES), fc.integer({ min: 0x41, max: 0x7a }));

export const labelArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(byteArb, { minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(byteArb, { minLength: 1, maxLength: 63 }) },
).map((a) => Uint8Array.from(a));

/** Labels kept while the name fits in 255 octets. */
export function fitLabels(labels: Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let total = 1;
  for (const l of labels) {
    if (total + l.length + 1 > MAX_NAME_LENGTH) break;
    out.push(l);
    total += l.length + 1;
  }
  return out;
}

export const nameArb: fc.Arbitrary<Name> = fc.array(labelArb, { maxLength: 8 }).map((ls) => new Name(fitLabels(ls)));

/** Names that reach the 255-octet limit exactly or nearly. */
export const longNameArb: fc.Arbitrary<Name> = fc.array(labelArb, { minLength: 4, maxLength: 40 }).map((ls) => new Name(fitLabels(ls)));

/** Flips the case of ASCII letters where the mask says so (bytes >= 0x80 untouched). */
export function caseVariant(name: Name, mask: number): Name {
  let bit = 0;
  return new Name(name.labels.map((l) => Uint8Array.from(l, (b) => {
    const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
    return letter && ((mask >> (bit++ % 30)) & 1) ? b ^ 0x20 : b;
  })));
}

/** A name built from a shared pool: an optional prefix on a pool member, in a case variant (to stress compression). */
export function pooledNameArb(pool: Name[]): fc.Arbitrary<Name> {
  return fc.tuple(fc.nat({ max: pool.length - 1 }), fc.array(labelArb, { maxLength: 2 }), fc.nat(), fc.boolean())
    .map(([i, prefix, mask, vary]) => {
      const base = pool[i]!;
      const labels = fitLabels([...prefix, ...base.labels].reverse()).reverse();
      const n = new Name(labels);
      return vary ? caseVariant(n, mask) : n;
    });
}

function cat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });
const charString = bytes(0, 40).map((b) => cat(Uint8Array.of(b.length), b));

/** RDATA generators per type; names drawn from `names`. Opaque types get arbitrary bytes. */
export function rdataArbs(names: fc.Arbitrary<Name>): [number, fc.Arbitrary<Uint8Array>][] {
  const n = names.map((x) => x.wire);
  const single: [number, fc.Arbitrary<Uint8Array>][] = [2, 3, 4, 5, 7, 8, 9, 12, 39].map((t) => [t, n]);
  return [
    [1, bytes(4, 4)],
    [28, bytes(16, 16)],
    ...single,
    [6, fc.tuple(n, n, bytes(20, 20)).map((p) => cat(...p))], // SOA
    [14, fc.tuple(n, n).map((p) => cat(...p))], // MINFO
    [17, fc.tuple(n, n).map((p) => cat(...p))], // RP
    ...[15, 18, 21, 36].map((t): [number, fc.Arbitrary<Uint8Array>] => [t, fc.tuple(bytes(2, 2), n).map((p) => cat(...p))]),
    [26, fc.tuple(bytes(2, 2), n, n).map((p) => cat(...p))], // PX
    [33, fc.tuple(bytes(6, 6), n).map((p) => cat(...p))], // SRV
    [35, fc.tuple(bytes(4, 4), charString, charString, charString, n).map((p) => cat(...p))], // NAPTR
    [16, fc.array(charString, { minLength: 1, maxLength: 4 }).map((p) => cat(...p))], // TXT
    // Opaque to the codec: DS, RRSIG, NSEC, DNSKEY, NSEC3, NSEC3PARAM, TLSA, SMIMEA, CAA, private and unknown types.
    ...[43, 46, 47, 48, 50, 51, 52, 53, 257, 65280, 4000].map((t): [number, fc.Arbitrary<Uint8Array>] => [t, bytes(0, 300)]),
  ];
}

export function rrArb(owners: fc.Arbitrary<Name>, rdataNames: fc.Arbitrary<Name>): fc.Arbitrary<RR> {
  const byType = fc.oneof(...rdataArbs(rdataNames).map(([t, a]) => a.map((rdata) => ({ type: t, rdata }))));
  return fc.record({
    name: owners,
    tr: byType,
    class: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 0xffff })),
    ttl: fc.oneof(fc.integer({ min: 0, max: 86400 }), fc.constant(0xffffffff), fc.integer({ min: 0, max: 0xffffffff })),
  }).map(({ name, tr, class: cls, ttl }) => ({ name, type: tr.type, class: cls, ttl, rdata: tr.rdata }));
}

const ednsArb: fc.Arbitrary<EdnsInfo> = fc.record({
  udpSize: fc.integer({ min: 0, max: 0xffff }),
  version: fc.integer({ min: 0, max: 255 }),
  do: fc.boolean(),
  options: fc.array(fc.record({ code: fc.integer({ min: 0, max: 0xffff }), data: bytes(0, 50) }), { maxLength: 3 }),
});

/** Arbitrary messages whose names share suffixes (in varying case), so compression has work to do. */
export const messageArb: fc.Arbitrary<Message> = fc.array(nameArb, { minLength: 1, maxLength: 4 }).chain((pool) => {
  const names = pooledNameArb(pool);
  const rrs = fc.array(rrArb(names, names), { maxLength: 6 });
  return fc.record({
    id: fc.integer({ min: 0, max: 0xffff }),
    flags: fc.record({
      qr: fc.boolean(), opcode: fc.integer({ min: 0, max: 15 }), aa: fc.boolean(), tc: fc.boolean(), rd: fc.boolean(),
      ra: fc.boolean(), ad: fc.boolean(), cd: fc.boolean(),
    }),
    rcodeLow: fc.integer({ min: 0, max: 15 }),
    rcodeHigh: fc.integer({ min: 0, max: 255 }),
    question: fc.array(fc.record({ name: names, type: fc.integer({ min: 0, max: 0xffff }), class: fc.integer({ min: 0, max: 0xffff }) }), { maxLength: 2 }),
    answer: rrs,
    authority: rrs,
    additional: rrs,
    edns: fc.option(ednsArb, { nil: undefined }),
  }).map(({ rcodeLow, rcodeHigh, edns, ...m }) => {
    const msg: Message = { ...m, rcode: edns ? (rcodeHigh << 4) | rcodeLow : rcodeLow };
    if (edns) msg.edns = edns;
    return msg;
  });
});

/** A plain structure with every name as its exact wire bytes and every RDATA as hex, for byte-exact comparison. */
export function exact(msg: Message): unknown {
  const rr = (r: RR) => ({ name: toHex(r.name.wire), type: r.type, class: r.class, ttl: r.ttl, rdata: toHex(r.rdata) });
  return {
    id: msg.id, flags: msg.flags, rcode: msg.rcode,
    question: msg.question.map((q) => ({ name: toHex(q.name.wire), type: q.type, class: q.class })),
    answer: msg.answer.map(rr), authority: msg.authority.map(rr), additional: msg.additional.map(rr),
    edns: msg.edns && { ...msg.edns, options: msg.edns.options.map((o) => ({ code: o.code, data: toHex(o.data) })) },
  };
}

/** Builds a message by hand: header fields plus raw body octets. */
export function rawMessage(h: { id?: number; flags?: number; qd?: number; an?: number; ns?: number; ar?: number }, body: number[]): Uint8Array {
  const f = h.flags ?? 0x8180;
  const u16 = (v: number) => [v >> 8, v & 0xff];
  return Uint8Array.from([...u16(h.id ?? 0x1234), ...u16(f), ...u16(h.qd ?? 0), ...u16(h.an ?? 0), ...u16(h.ns ?? 0), ...u16(h.ar ?? 0), ...body]);
}

/** Wire form of a name written as dotted ASCII (no escapes), for hand-built packets. */
export function w(text: string): number[] {
  if (text === '.') return [0];
  return [...Name.parse(text).wire];
}
