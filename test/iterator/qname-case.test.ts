/** 0x20 QNAME case randomisation (resolver/iterator/qname-case.ts): random case out, exact echo in, fallback. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Name } from '../../resolver/wire/name.js';
import { caseBits, NO_ECHO_MS, QnameCase, randomiseCase, restoreName, sameOctets } from '../../resolver/iterator/qname-case.js';
import type { Message } from '../../resolver/wire/types.js';
import { nameArb } from '../wire/arbitraries.js';

const allOnes = (b: Uint8Array): void => { b.fill(0xff); };
const allZeros = (b: Uint8Array): void => { b.fill(0); };

function reply(qname: Name): Message {
  return {
    id: 1, flags: { qr: true, opcode: 0, aa: true, tc: false, rd: false, ra: false, ad: false, cd: false }, rcode: 0,
    question: [{ name: qname, type: 52, class: 1 }],
    answer: [{ name: qname, type: 52, class: 1, ttl: 60, rdata: Uint8Array.of(3, 1, 1, 0) }],
    authority: [], additional: [],
  };
}

describe('randomiseCase', () => {
  it('sets the case of letters only, from the random bits', () => {
    const name = Name.parse('_443._tcp.Js.example-1.fr.');
    expect(randomiseCase(name, allOnes).toString()).toBe('_443._TCP.JS.EXAMPLE-1.FR.');
    expect(randomiseCase(name, allZeros).toString()).toBe('_443._tcp.js.example-1.fr.');
    expect(caseBits(name)).toBe(14); // t c p j s e x a m p l e f r
  });

  it('fuzz: the result equals the input under DNS comparison and keeps every non-letter octet', () => {
    fc.assert(fc.property(nameArb, (name) => {
      const r = randomiseCase(name);
      expect(r.equals(name)).toBe(true);
      r.labels.forEach((l, i) => l.forEach((b, j) => {
        const o = name.labels[i]![j]!;
        const letter = (o | 0x20) >= 0x61 && (o | 0x20) <= 0x7a;
        expect(letter ? (b | 0x20) === (o | 0x20) : b === o).toBe(true);
      }));
    }), { numRuns: 300 });
  });

  it('spreads: 1 000 randomisations of a 16-letter name give about as many spellings as 14 random bits allow', () => {
    const name = Name.parse('_443._tcp.js.example.fr.');
    const seen = new Set(Array.from({ length: 1000 }, () => randomiseCase(name).toString()));
    // 2^14 spellings: 1 000 draws repeat about 30 of them (birthday bound); a fixed case would give 1.
    expect(seen.size).toBeGreaterThan(900);
  });
});

describe('QnameCase', () => {
  const original = Name.parse('www.example.com.');

  it('off: the name goes out unchanged and replies are taken as they come', () => {
    const c = new QnameCase(false);
    const sent = c.nameFor('192.0.2.1', original, 0);
    expect(sent).toBe(original);
    expect(c.accept('192.0.2.1', sent, original, reply(Name.parse('WWW.example.com.')), 0)).toBeDefined();
  });

  it('an exact echo is accepted and owner names go back to the caller spelling', () => {
    const c = new QnameCase(true, allOnes);
    const sent = c.nameFor('192.0.2.1', original, 0);
    expect(sent.toString()).toBe('WWW.EXAMPLE.COM.');
    const got = c.accept('192.0.2.1', sent, original, reply(sent), 0)!;
    expect(sameOctets(got.question[0]!.name, original)).toBe(true);
    expect(sameOctets(got.answer[0]!.name, original)).toBe(true);
  });

  it('a reply in another case is refused, and the server is then asked with the plain name until NO_ECHO_MS', () => {
    const c = new QnameCase(true, allOnes);
    const sent = c.nameFor('192.0.2.1', original, 0);
    expect(c.accept('192.0.2.1', sent, original, reply(original), 0)).toBeUndefined();
    expect(c.nameFor('192.0.2.1', original, 1000)).toBe(original);
    expect(c.nameFor('192.0.2.2', original, 1000)).not.toBe(original);
    expect(sameOctets(c.nameFor('192.0.2.1', original, NO_ECHO_MS + 1), sent)).toBe(true);
  });
});

describe('restoreName: the random case a compressing server copied from our question goes back', () => {
  const original = Name.parse('_443._tcp.js.mtls.example.');
  const sent = Name.parse('_443._TcP.jS.MTLs.exAmpLe.');

  it('restores shared labels spelled exactly as sent, in owners and in CNAME targets', () => {
    expect(restoreName(Name.parse('js.MTLs.exAmpLe.'), sent, original).toString()).toBe('js.mtls.example.');
    expect(restoreName(Name.parse('www.other.'), sent, original).toString()).toBe('www.other.');
    // A label the server spelled its own way (not our random case) is left alone.
    expect(restoreName(Name.parse('host.MTLS.exAmpLe.'), sent, original).toString()).toBe('host.MTLS.example.');
    const c = new QnameCase(true);
    const got = c.accept('192.0.2.1', sent, original, {
      ...reply(sent),
      answer: [{ name: sent, type: 5, class: 1, ttl: 60, rdata: Name.parse('srv.MTLs.exAmpLe.').wire }],
    }, 0)!;
    expect(got.answer[0]!.name.toString()).toBe('_443._tcp.js.mtls.example.');
    expect(Name.decode(got.answer[0]!.rdata, 0).name.toString()).toBe('srv.mtls.example.');
  });
});
