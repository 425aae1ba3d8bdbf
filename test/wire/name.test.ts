/** Unit tests of Name (resolver/wire/name.ts): presentation, canonical order, case rules, wire decoding. */
import { describe, expect, it } from 'vitest';
import { Name } from '../../resolver/wire/name.js';
import { WireError } from '../../resolver/wire/errors.js';

const p = (s: string) => Name.parse(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function codeOf(f: () => unknown): string {
  try { f(); } catch (e) { if (e instanceof WireError) return e.code; throw e; }
  return 'no error';
}

describe('Name presentation format (RFC 1035 §5.1)', () => {
  it('keeps an escaped dot inside a label and prints it escaped', () => {
    const n = p('a\\.b.example.');
    expect(n.labelCount).toBe(2);
    expect(hex(n.labels[0]!)).toBe(hex(Uint8Array.of(0x61, 0x2e, 0x62)));
    expect(n.toString()).toBe('a\\.b.example.');
  });

  it('reads \\DDD as a decimal byte and prints non-printables as \\DDD', () => {
    const n = p('\\000\\200\\255x.example.');
    expect([...n.labels[0]!]).toEqual([0, 200, 255, 0x78]);
    expect(n.toString()).toBe('\\000\\200\\255x.example.');
  });

  it('escapes backslash, quote, parentheses, semicolon, @ and $', () => {
    const n = new Name([Uint8Array.from([0x5c, 0x22, 0x28, 0x29, 0x3b, 0x40, 0x24, 0x20])]);
    expect(n.toString()).toBe('\\\\\\"\\(\\)\\;\\@\\$\\032.');
    expect(hex(p(n.toString()).wire)).toBe(hex(n.wire));
  });

  it('preserves case on parse and print', () => {
    expect(p('WwW.ExAmPlE.').toString()).toBe('WwW.ExAmPlE.');
  });

  it('makes relative names absolute under the origin, and @ is the origin', () => {
    const origin = p('example.com.');
    expect(Name.parse('www', origin).toString()).toBe('www.example.com.');
    expect(Name.parse('@', origin)).toBe(origin);
    expect(Name.parse('www.', origin).toString()).toBe('www.');
    expect(p('.').isRoot).toBe(true);
  });

  it('rejects bad syntax with stable codes', () => {
    expect(codeOf(() => p('a..b.'))).toBe('NAME_EMPTY_LABEL');
    expect(codeOf(() => p('.a.'))).toBe('NAME_EMPTY_LABEL');
    expect(codeOf(() => p(''))).toBe('NAME_SYNTAX');
    expect(codeOf(() => p('a\\'))).toBe('NAME_SYNTAX');
    expect(codeOf(() => p('a\\25.'))).toBe('NAME_SYNTAX');
    expect(codeOf(() => p('a\\256.'))).toBe('NAME_SYNTAX');
    expect(codeOf(() => p(`${'a'.repeat(64)}.`))).toBe('NAME_LABEL_TOO_LONG');
    expect(codeOf(() => p(`${'a'.repeat(63)}.`))).toBe('no error');
  });

  it('enforces the 255-octet limit (RFC 1035 §2.3.4)', () => {
    const l63 = 'a'.repeat(63);
    // 4 × 64 + 1 = 257 octets: too long; 3 × 64 + 62 + 1 = 255 octets: the limit.
    expect(codeOf(() => p(`${l63}.${l63}.${l63}.${l63}.`))).toBe('NAME_TOO_LONG');
    const max = p(`${l63}.${l63}.${l63}.${'b'.repeat(61)}.`);
    expect(max.wireLength).toBe(255);
  });
});

describe('Name canonical order (RFC 4034 §6.1)', () => {
  // The example list of RFC 4034 §6.1, in canonical order.
  const ordered = ['example.', 'a.example.', 'yljkjljk.a.example.', 'Z.a.example.', 'zABC.a.EXAMPLE.', 'z.example.',
    '\\001.z.example.', '*.z.example.', '\\200.z.example.'];

  it('sorts the RFC 4034 §6.1 example list into the order given there', () => {
    const names = ordered.map(p);
    const shuffled = [names[5], names[8], names[0], names[3], names[7], names[1], names[6], names[4], names[2]] as Name[];
    expect(shuffled.sort(Name.compare).map(String)).toEqual(ordered);
  });

  it('is strictly increasing along the list and antisymmetric', () => {
    const names = ordered.map(p);
    for (let i = 0; i + 1 < names.length; i++) {
      expect(Name.compare(names[i]!, names[i + 1]!)).toBeLessThan(0);
      expect(Name.compare(names[i + 1]!, names[i]!)).toBeGreaterThan(0);
    }
  });

  it('compares case-insensitively, ASCII only', () => {
    expect(Name.compare(p('ExAmple.'), p('example.'))).toBe(0);
    // 0xC3 and 0xE3 differ only in bit 0x20 but are not ASCII letters: they are different (RFC 4034 §6.2).
    expect(Name.compare(p('\\195.'), p('\\227.'))).toBeLessThan(0);
  });

  it('counts common labels from the root', () => {
    expect(Name.commonLabels(p('a.b.example.'), p('c.B.EXAMPLE.'))).toBe(2);
    expect(Name.commonLabels(p('a.'), p('b.'))).toBe(0);
  });
});

describe('Name case rules and equality', () => {
  it('has equal keys for names equal under DNS comparison, and keeps the original bytes', () => {
    const a = p('WWW.Example.COM.');
    const b = p('www.example.com.');
    expect(a.key).toBe(b.key);
    expect(a.equals(b)).toBe(true);
    expect(hex(a.wire)).not.toBe(hex(b.wire));
    expect(new Map([[a.key, 1]]).get(b.key)).toBe(1);
  });

  it('keeps label boundaries in the key: a\\.b. differs from a.b.', () => {
    expect(p('a\\.b.').key).not.toBe(p('a.b.').key);
    expect(p('a\\.b.').equals(p('a.b.'))).toBe(false);
  });

  it('lowercases ASCII only: 0xC3 stays 0xC3, 0xC3 and 0xE3 are different names', () => {
    const n = p('\\195A.');
    expect([...n.toLowerCase().labels[0]!]).toEqual([0xc3, 0x61]);
    expect([...n.canonicalWire]).toEqual([2, 0xc3, 0x61, 0]);
    expect(p('\\195.').equals(p('\\227.'))).toBe(false);
    expect(p('\\195.').key).not.toBe(p('\\227.').key);
    // Only A–Z fold: '@' (0x40) and '[' (0x5B) are next to the letters and must not.
    expect([...p('\\@[.').canonicalWire]).toEqual([2, 0x40, 0x5b, 0]);
  });

  it('decides subdomains case-insensitively and on label boundaries', () => {
    expect(p('www.Example.com.').isSubdomainOf(p('EXAMPLE.com.'))).toBe(true);
    expect(p('example.com.').isSubdomainOf(p('example.com.'))).toBe(true);
    expect(p('example.com.').isStrictSubdomainOf(p('example.com.'))).toBe(false);
    expect(p('www.example.com.').isStrictSubdomainOf(p('com.'))).toBe(true);
    expect(p('example.com.').isSubdomainOf(p('ample.com.'))).toBe(false);
    expect(p('com.').isSubdomainOf(p('example.com.'))).toBe(false);
    expect(p('a.b.').isSubdomainOf(Name.ROOT)).toBe(true);
    expect(p('a\\.b.example.com.').isSubdomainOf(p('example.com.'))).toBe(true);
    expect(p('a\\.example.com.').isSubdomainOf(p('example.com.'))).toBe(false); // labels: 'a.example', 'com'
    expect(p('www.a\\.b.').isSubdomainOf(p('b.'))).toBe(false);
  });

  it('has parent, suffix, prepend and wildcard helpers', () => {
    const n = p('*.a.example.');
    expect(n.isWildcard).toBe(true);
    expect(p('\\*.a.').isWildcard).toBe(true); // an escaped * is still the octet 0x2A
    expect(p('**.a.').isWildcard).toBe(false);
    expect(n.parent().toString()).toBe('a.example.');
    expect(n.suffix(1).toString()).toBe('example.');
    expect(n.suffix(9)).toBe(n);
    expect(n.suffix(0).isRoot).toBe(true);
    expect(p('example.').prepend('_443').prepend('_x').toString()).toBe('_x._443.example.');
    expect(codeOf(() => Name.ROOT.parent())).toBe('NAME_ROOT_PARENT');
  });
});

describe('Name.decode (RFC 1035 §4.1.4)', () => {
  it('follows a backward pointer and returns the offset after the pointer', () => {
    const buf = Uint8Array.from([3, 0x63, 0x6f, 0x6d, 0, 3, 0x57, 0x77, 0x57, 0xc0, 0]);
    const { name, next } = Name.decode(buf, 5);
    expect(name.toString()).toBe('WwW.com.');
    expect(next).toBe(11);
  });

  it('rejects forward and self pointers, reserved label types and names past the end', () => {
    expect(codeOf(() => Name.decode(Uint8Array.from([0xc0, 0x00]), 0))).toBe('NAME_BAD_POINTER');
    expect(codeOf(() => Name.decode(Uint8Array.from([0xc0, 0x02, 0]), 0))).toBe('NAME_BAD_POINTER');
    expect(codeOf(() => Name.decode(Uint8Array.from([1, 0x61, 0xc0, 0x00]), 0))).toBe('NAME_BAD_POINTER');
    expect(codeOf(() => Name.decode(Uint8Array.from([0x41, 0]), 0))).toBe('NAME_BAD_LABEL_TYPE');
    expect(codeOf(() => Name.decode(Uint8Array.from([0x80, 0]), 0))).toBe('NAME_BAD_LABEL_TYPE');
    expect(codeOf(() => Name.decode(Uint8Array.from([3, 0x61]), 0))).toBe('NAME_TRUNCATED');
    expect(codeOf(() => Name.decode(Uint8Array.from([1, 0x61]), 0))).toBe('NAME_TRUNCATED');
    expect(codeOf(() => Name.decode(Uint8Array.from([0xc0]), 0))).toBe('NAME_TRUNCATED');
    expect(codeOf(() => Name.decode(Uint8Array.from([]), 0))).toBe('NAME_TRUNCATED');
  });

  it('rejects a name longer than 255 octets built from pointers', () => {
    // Each step adds a 63-octet label and points back at the previous step: 5 steps exceed 255 octets.
    const bytes: number[] = [0];
    let prev = 0;
    for (let i = 0; i < 5; i++) {
      const at = bytes.length;
      bytes.push(63, ...new Array<number>(63).fill(0x61), 0xc0 | (prev >> 8), prev & 0xff);
      prev = at;
    }
    expect(codeOf(() => Name.decode(Uint8Array.from(bytes), prev))).toBe('NAME_TOO_LONG');
  });
});
