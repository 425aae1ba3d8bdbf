/** Property tests: encode -> decode keeps every name byte and every RDATA byte, with and without compression. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeMessage } from '../../resolver/wire/message.js';
import { exact, messageArb } from './arbitraries.js';

describe('message round trip', () => {
  it('decode(encode(m)) equals m byte for byte, uncompressed', () => {
    fc.assert(fc.property(messageArb, (m) => {
      expect(exact(decodeMessage(encodeMessage(m, { compress: false })))).toEqual(exact(m));
    }), { numRuns: 600 });
  });

  it('decode(encode(m)) equals m byte for byte, compressed (names share suffixes in mixed case)', () => {
    fc.assert(fc.property(messageArb, (m) => {
      expect(exact(decodeMessage(encodeMessage(m, { compress: true })))).toEqual(exact(m));
    }), { numRuns: 600 });
  });

  it('compression never makes a message longer, and re-encoding a decoded message is stable', () => {
    fc.assert(fc.property(messageArb, (m) => {
      const plain = encodeMessage(m, { compress: false });
      const packed = encodeMessage(m, { compress: true });
      expect(packed.length).toBeLessThanOrEqual(plain.length);
      expect(Buffer.from(encodeMessage(decodeMessage(packed), { compress: true })).equals(Buffer.from(packed))).toBe(true);
    }), { numRuns: 500 });
  });

  it('with maxSize the result fits, decodes, keeps OPT, and is a prefix of whole RRsets', () => {
    fc.assert(fc.property(messageArb, fc.integer({ min: 0, max: 1500 }), (m, extra) => {
      const full = encodeMessage(m);
      const limit = Math.min(full.length, 12 + extra);
      let out: Uint8Array;
      try {
        out = encodeMessage(m, { maxSize: limit });
      } catch (e) {
        expect((e as { code?: string }).code).toBe('MSG_TOO_LARGE');
        return;
      }
      expect(out.length).toBeLessThanOrEqual(limit);
      const d = decodeMessage(out);
      expect(d.edns === undefined).toBe(m.edns === undefined);
      const dropped = d.answer.length < m.answer.length || d.authority.length < m.authority.length;
      expect(d.flags.tc).toBe(m.flags.tc || dropped);
      if (limit === full.length) expect(exact(d)).toEqual(exact(m));
    }), { numRuns: 500 });
  });
});
