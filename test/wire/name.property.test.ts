/** Property tests: Name keeps exact label bytes through presentation format and wire decoding. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Name } from '../../resolver/wire/name.js';
import { labelArb, longNameArb, nameArb, caseVariant } from './arbitraries.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const anyName = fc.oneof(nameArb, longNameArb);

describe('Name properties', () => {
  it('(a) Name.parse(n.toString()) has exactly the bytes of n', () => {
    fc.assert(fc.property(anyName, (n) => {
      expect(hex(Name.parse(n.toString()).wire)).toBe(hex(n.wire));
    }), { numRuns: 2000 });
  });

  it('(a) the printed form is ASCII only, so it survives any text channel', () => {
    fc.assert(fc.property(anyName, (n) => {
      expect(/^[\x21-\x7e]+$/.test(n.toString())).toBe(true);
    }), { numRuns: 500 });
  });

  it('(a) a relative name parses under an origin to the concatenated labels', () => {
    fc.assert(fc.property(nameArb, nameArb, (rel, origin) => {
      fc.pre(!rel.isRoot && rel.wireLength + origin.wireLength - 1 <= 255);
      const text = rel.toString().slice(0, -1); // drop the trailing dot: relative
      expect(hex(Name.parse(text, origin).wire)).toBe(hex(new Name([...rel.labels, ...origin.labels]).wire));
    }), { numRuns: 500 });
  });

  it('(b) Name.decode(n.wire) keeps the exact bytes, also at an offset after other data', () => {
    fc.assert(fc.property(anyName, fc.uint8Array({ maxLength: 20 }), (n, junk) => {
      const at0 = Name.decode(n.wire, 0);
      expect(hex(at0.name.wire)).toBe(hex(n.wire));
      expect(at0.next).toBe(n.wireLength);
      const buf = Uint8Array.from([...junk, ...n.wire, 0xff]);
      const later = Name.decode(buf, junk.length);
      expect(hex(later.name.wire)).toBe(hex(n.wire));
      expect(later.next).toBe(junk.length + n.wireLength);
    }), { numRuns: 2000 });
  });

  it('(b) a pointer to an earlier copy decodes to the same bytes', () => {
    fc.assert(fc.property(nameArb, fc.array(labelArb, { maxLength: 2 }), (base, prefix) => {
      fc.pre(!base.isRoot && base.wireLength + prefix.reduce((s, l) => s + l.length + 1, 0) <= 255);
      const head = prefix.flatMap((l) => [l.length, ...l]);
      const buf = Uint8Array.from([...base.wire, ...head, 0xc0, 0x00]);
      const { name, next } = Name.decode(buf, base.wireLength);
      expect(hex(name.wire)).toBe(hex(new Name([...prefix, ...base.labels]).wire));
      expect(next).toBe(buf.length);
    }), { numRuns: 500 });
  });

  it('equality, keys and canonical order agree, and case variants are equal but keep their bytes', () => {
    fc.assert(fc.property(anyName, anyName, fc.nat(), (a, b, mask) => {
      const v = caseVariant(a, mask);
      expect(v.equals(a)).toBe(true);
      expect(Name.compare(v, a)).toBe(0);
      expect(hex(v.canonicalWire)).toBe(hex(a.canonicalWire));
      expect(a.equals(b)).toBe(hex(a.canonicalWire) === hex(b.canonicalWire));
      expect(Name.compare(a, b) === 0).toBe(a.equals(b));
      expect(Math.sign(Name.compare(a, b)) + Math.sign(Name.compare(b, a))).toBe(0);
    }), { numRuns: 2000 });
  });

  it('every ancestor is a superdomain and sorts before its descendants', () => {
    fc.assert(fc.property(anyName, fc.nat(), (n, k) => {
      const anc = n.suffix(k % (n.labelCount + 1));
      expect(n.isSubdomainOf(anc)).toBe(true);
      expect(Name.compare(anc, n)).toBeLessThanOrEqual(0);
    }), { numRuns: 500 });
  });
});
