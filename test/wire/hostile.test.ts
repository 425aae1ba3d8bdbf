/** Hostile and malformed packets: decodeMessage only ever throws WireError, fast, and never reads past its input. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WireError } from '../../resolver/wire/errors.js';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { MAX_COMPRESSION_POINTERS, Name } from '../../resolver/wire/name.js';
import { T } from '../../resolver/wire/types.js';
import { messageArb, rawMessage, w } from './arbitraries.js';
import { decompressionBomb } from '../support/hostile-inputs.js';

/** Decodes and returns 'ok' or the WireError code; any other exception fails the test. */
function outcome(buf: Uint8Array): string {
  try {
    decodeMessage(buf);
    return 'ok';
  } catch (e) {
    if (e instanceof WireError) return e.code;
    throw new Error(`decodeMessage threw a non-WireError: ${String(e)}`, { cause: e });
  }
}

const u16 = (v: number) => [v >> 8, v & 0xff];
const question = (name: number[], type = T.A) => [...name, ...u16(type), 0, 1];

/** A compressed message using every kind of RDATA the codec handles. */
function sampleMessage(): Uint8Array {
  const n = (s: string) => Name.parse(s);
  const rr = (name: string, type: number, rdata: number[]) => ({ name: n(name), type, class: 1, ttl: 60, rdata: Uint8Array.from(rdata) });
  return encodeMessage({
    id: 7, flags: { qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, ad: true, cd: false }, rcode: 0,
    question: [{ name: n('www.Example.com.'), type: T.MX, class: 1 }],
    answer: [rr('www.Example.com.', T.CNAME, w('mail.Example.com.')), rr('mail.Example.com.', T.MX, [0, 5, ...w('mx.Example.com.')]),
      rr('mail.Example.com.', T.RRSIG, [0, 15, 13, 3, 0, 0, 0, 60, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, ...w('Example.com.'), 9, 9])],
    authority: [rr('Example.com.', T.SOA, [...w('ns.Example.com.'), ...w('h.Example.com.'), ...new Array<number>(20).fill(1)]),
      rr('Example.com.', T.NS, w('ns.Example.com.'))],
    additional: [rr('ns.Example.com.', T.A, [192, 0, 2, 1])],
    edns: { udpSize: 1232, version: 0, do: true, options: [{ code: 15, data: Uint8Array.from([0, 6, 0x41]) }] },
  }, { compress: true });
}

describe('hostile packets', () => {
  const full = sampleMessage();

  it('the sample decodes', () => {
    expect(outcome(full)).toBe('ok');
  });

  it('every truncation of a valid message throws WireError, even with the rest still in the underlying buffer', () => {
    for (let len = 0; len < full.length; len++) {
      // A view onto the full buffer: reading past the view's end would find valid data and not fail.
      const code = outcome(full.subarray(0, len));
      expect(code, `prefix of ${len} octets`).not.toBe('ok');
      expect(code).toBe(outcome(full.slice(0, len)));
    }
  });

  it('a message embedded at an offset of a larger buffer decodes the same', () => {
    const big = new Uint8Array(full.length + 50);
    big.set(full, 25);
    const d = decodeMessage(big.subarray(25, 25 + full.length));
    expect(d.answer).toHaveLength(3);
  });

  it('rejects forward pointers, self pointers and pointer loops', () => {
    // Question name is a pointer to itself (offset 12).
    expect(outcome(rawMessage({ qd: 1 }, [0xc0, 12, 0, 1, 0, 1]))).toBe('NAME_BAD_POINTER');
    // Forward pointer to a valid name later in the packet.
    expect(outcome(rawMessage({ qd: 1 }, [0xc0, 18, 0, 1, 0, 1, 1, 0x61, 0]))).toBe('NAME_BAD_POINTER');
    // Two names pointing at each other: the second one points back to the first, which points forward.
    const loop = rawMessage({ qd: 2 }, [1, 0x61, 0xc0, 18, 0, 1, 0, 1, 1, 0x62, 0xc0, 12, 0, 1, 0, 1]);
    expect(outcome(loop)).toBe('NAME_BAD_POINTER');
    // Pointer into the header (offset 0): the header octets are read as labels, and stay bounded.
    const intoHeader = decodeMessage(rawMessage({ qd: 1, id: 0x0300, flags: 0x8180 }, [0xc0, 0, 0, 1, 0, 1]));
    expect([...intoHeader.question[0]!.name.wire]).toEqual([3, 0, 0x81, 0x80, 0]);
    // A 63-octet "label" starting in the header runs on into the body and hits a bad label octet.
    expect(outcome(rawMessage({ qd: 1, id: 0x3f00 }, [0xc0, 0, 0, 1, 0, 1, ...new Array<number>(60).fill(0x61)]))).toMatch(/^NAME_/);
  });

  it('rejects label types 0x40 (extended, RFC 6891 §5) and 0x80 (reserved)', () => {
    expect(outcome(rawMessage({ qd: 1 }, question([0x41, 0])))).toBe('NAME_BAD_LABEL_TYPE');
    expect(outcome(rawMessage({ qd: 1 }, question([0x80, 0])))).toBe('NAME_BAD_LABEL_TYPE');
    expect(outcome(rawMessage({ qd: 1 }, question([1, 0x61, 0xbf, 0])))).toBe('NAME_BAD_LABEL_TYPE');
  });

  // The count check comes before any record is read: MSG_BAD_COUNTS, not MSG_TRUNCATED after 65535 tries.
  it('fails fast on counts the message cannot hold', () => {
    const huge = rawMessage({ qd: 65535, an: 65535, ns: 65535, ar: 65535 }, new Array<number>(28).fill(0));
    expect(huge.length).toBe(40);
    expect(outcome(huge)).toBe('MSG_BAD_COUNTS');
    expect(outcome(rawMessage({ an: 65535 }, new Array<number>(28).fill(0)))).toBe('MSG_BAD_COUNTS');
  });

  it('rejects an RDLENGTH past the end and a header shorter than 12 octets', () => {
    expect(outcome(rawMessage({ an: 1 }, [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 10, 1, 2]))).toBe('MSG_TRUNCATED');
    expect(outcome(new Uint8Array(11))).toBe('MSG_TRUNCATED');
    expect(outcome(new Uint8Array(0))).toBe('MSG_TRUNCATED');
  });

  it('rejects a name over 255 octets assembled from a chain of pointers', () => {
    // The chain lives inside opaque RDATA (never parsed as names); an owner name then points at its end.
    const rdata: number[] = [];
    const rdataStart = 12 + 11;
    let prev = -1;
    for (let i = 0; i < 5; i++) {
      const at = rdataStart + rdata.length;
      rdata.push(63, ...new Array<number>(63).fill(0x61), ...(prev < 0 ? [0] : [0xc0 | (prev >> 8), prev & 0xff]));
      prev = at;
    }
    const holder = [0, ...u16(65280), 0, 1, 0, 0, 0, 0, ...u16(rdata.length), ...rdata];
    const ok = rawMessage({ an: 1 }, holder);
    expect(outcome(ok)).toBe('ok');
    const pointing = (target: number) => rawMessage({ an: 2 }, [...holder, 0xc0 | (target >> 8), target & 0xff, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4]);
    const threeDeep = prev - 2 * 66; // the third link: 3 labels of 63, 193 octets, allowed
    expect(decodeMessage(pointing(threeDeep)).answer[1]!.name.wireLength).toBe(193);
    expect(outcome(pointing(prev))).toBe('NAME_TOO_LONG');
  });

  it('rejects bad OPT records', () => {
    const opt = [0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0];
    expect(outcome(rawMessage({ ar: 2 }, [...opt, ...opt]))).toBe('OPT_DUPLICATE');
    expect(outcome(rawMessage({ an: 1 }, opt))).toBe('OPT_MISPLACED');
    expect(outcome(rawMessage({ ar: 1 }, [0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 2, 0, 15]))).toBe('OPT_TRUNCATED');
  });

  it('fuzz: random bytes either decode or throw WireError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => { outcome(bytes); }), { numRuns: 5000 });
  });

  it('fuzz: random headers with plausible counts over random bodies either decode or throw WireError', () => {
    const arb = fc.tuple(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }), fc.uint8Array({ maxLength: 300 }));
    fc.assert(fc.property(arb, ([[qd, an, ns, ar], body]) => {
      outcome(rawMessage({ qd: qd!, an: an!, ns: ns!, ar: ar! }, [...body]));
    }), { numRuns: 5000 });
  });

  it('fuzz: mutated valid messages (byte flips, cuts, splices) either decode or throw WireError', () => {
    const mutation = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat());
    fc.assert(fc.property(messageArb, mutation, (m, [flips, cut]) => {
      const buf = encodeMessage(m, { compress: true }).slice();
      for (const [at, v] of flips) buf[at % buf.length] = v;
      outcome(buf);
      outcome(buf.subarray(0, cut % (buf.length + 1)));
    }), { numRuns: 1500 });
  });

  it('fuzz: mutations of the sample touch every field kind and stay WireError-only', () => {
    fc.assert(fc.property(fc.nat({ max: full.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, v) => {
      const buf = full.slice();
      buf[at] = v;
      outcome(buf);
    }), { numRuns: 5000 });
  });
});

describe('compression pointer chains (MAX_COMPRESSION_POINTERS)', () => {
  const cpuMs = (fn: () => void): number => {
    const t0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t0);
    return (d.user + d.system) / 1000;
  };

  it('a 64 KB message whose every owner name walks 16 000 backward pointers is refused at the first name', () => {
    const bomb = decompressionBomb(16_000);
    let code = '';
    const ms = cpuMs(() => { code = outcome(bomb); });
    expect(code).toBe('NAME_TOO_MANY_POINTERS');
    console.log(`decompression bomb of ${bomb.length} octets: ${ms.toFixed(2)} ms CPU to refuse`);
  });

  it('a chain of exactly MAX_COMPRESSION_POINTERS jumps decodes; one more is refused', () => {
    // The owner's own pointer is one jump, the chain in the RDATA the rest.
    const atLimit = decompressionBomb(MAX_COMPRESSION_POINTERS - 1);
    let answers = 0;
    const ms = cpuMs(() => { answers = decodeMessage(atLimit).answer.length; });
    expect(answers).toBeGreaterThan(5000);
    console.log(`${answers} names of ${MAX_COMPRESSION_POINTERS} jumps each: ${ms.toFixed(2)} ms CPU to decode`);
    expect(outcome(decompressionBomb(MAX_COMPRESSION_POINTERS))).toBe('NAME_TOO_MANY_POINTERS');
  });

  it('fuzz: random pointer chains and labels decode within the limits or throw WireError, never anything else', () => {
    // Bodies mixing labels and pointers to random earlier offsets: every name is bounded by 255 octets and
    // MAX_COMPRESSION_POINTERS jumps, so decoding ends whatever the pointers say.
    const piece = fc.oneof(
      fc.tuple(fc.constant('label'), fc.integer({ min: 1, max: 10 })),
      fc.tuple(fc.constant('pointer'), fc.nat({ max: 2000 })),
      fc.tuple(fc.constant('end'), fc.constant(0)),
    );
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 50 }), (pieces, count) => {
      const body: number[] = [0, 0, 10, 0, 1]; // root NULL question
      const rdata: number[] = [];
      for (const [kind, v] of pieces) {
        if (kind === 'label') rdata.push(v, ...new Array<number>(v).fill(0x61));
        else if (kind === 'pointer') rdata.push(0xc0 | ((v >> 8) & 0x3f), v & 0xff);
        else rdata.push(0);
      }
      body.push(0, 0, 10, 0, 1, 0, 0, 0, 0, rdata.length >> 8, rdata.length & 0xff, ...rdata);
      for (let i = 0; i < count; i++) {
        const target = 12 + 5 + 11 + ((i * 7) % Math.max(1, rdata.length));
        body.push(0xc0 | (target >> 8), target & 0xff, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4);
      }
      // outcome() fails the test on any exception other than WireError.
      const code = outcome(rawMessage({ qd: 1, an: 1 + count }, body));
      expect(code).toMatch(/^(ok|[A-Z0-9_]+)$/);
    }), { numRuns: 400 });
  });

  it('a name reached through 127 one-label hops (the most an encoder can emit) decodes', () => {
    // A NULL RR whose opaque RDATA holds the chain "a", "a" + pointer to the previous, …; a second RR is owned by
    // a pointer to the top, so its name is 127 labels reached through 127 jumps.
    const base = 12 + 5 + 11; // header, root question, the NULL RR's fixed fields
    const chain: number[] = [1, 0x61, 0];
    let previous = base;
    for (let i = 1; i < 127; i++) {
      const here = base + chain.length;
      chain.push(1, 0x61, 0xc0 | (previous >> 8), previous & 0xff);
      previous = here;
    }
    const msg = rawMessage({ qd: 1, an: 2 }, [
      0, 0, 10, 0, 1,
      0, 0, 10, 0, 1, 0, 0, 0, 0, chain.length >> 8, chain.length & 0xff, ...chain,
      0xc0 | (previous >> 8), previous & 0xff, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 1,
    ]);
    expect(decodeMessage(msg).answer[1]!.name.labelCount).toBe(127);
  });
});
