/**
 * Domain names as exact label bytes.
 *
 * dns-packet turns names into JS strings and loses `\.`, `\DDD` and bytes >= 0x80, which would change
 * the bytes an RRSIG covers. A Name keeps every label as raw bytes, preserves case, and compares
 * case-insensitively with ASCII-only folding (RFC 4034 §6.2, RFC 4343).
 */
import { WireError } from './errors.js';

/** RFC 1035 §2.3.4: a label is at most 63 octets, a name at most 255 octets in wire form. */
export const MAX_LABEL_LENGTH = 63;
export const MAX_NAME_LENGTH = 255;
/**
 * Compression pointers followed while reading one name. Pointers only point backwards, so a loop is impossible,
 * but a chain of pointers each aimed at the one before can be ~32 000 long in a 64 KB message, and every name of
 * the message may enter it (a 65 KB message cost ~70 ms of CPU to decode). A 255-octet name has at most 127
 * labels and an encoder jumps at most once per label, so 128 covers every honest message; Unbound stops at 256
 * (util/data/dname.h MAX_COMPRESS_PTRS), nginx's resolver at 128 steps.
 */
export const MAX_COMPRESSION_POINTERS = 128;

const BACKSLASH = 0x5c;
const DOT = 0x2e;

/** ASCII-only lowercase (RFC 4034 §6.2): bytes >= 0x80 are never folded. */
export function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

export function lowerLabel(label: Uint8Array): Uint8Array {
  let changed = false;
  for (const b of label) if (b >= 0x41 && b <= 0x5a) { changed = true; break; }
  if (!changed) return label;
  return Uint8Array.from(label, lowerByte);
}

/** Compares two labels in canonical order (RFC 4034 §6.1): lowercased, as unsigned octet strings. */
export function compareLabels(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = lowerByte(a[i]!) - lowerByte(b[i]!);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export class Name {
  /** Labels from the most specific to the TLD; the root label is implicit. */
  readonly labels: readonly Uint8Array[];
  private wireCache: Uint8Array | undefined;
  private keyCache: string | undefined;

  static readonly ROOT = new Name([]);

  /** Builds a name from labels, checking RFC 1035 length limits. */
  constructor(labels: readonly Uint8Array[]) {
    let total = 1;
    for (const l of labels) {
      if (l.length === 0) throw new WireError('NAME_EMPTY_LABEL', 'empty label inside a name');
      if (l.length > MAX_LABEL_LENGTH) throw new WireError('NAME_LABEL_TOO_LONG', `label of ${l.length} octets exceeds ${MAX_LABEL_LENGTH}`);
      total += l.length + 1;
    }
    if (total > MAX_NAME_LENGTH) throw new WireError('NAME_TOO_LONG', `name of ${total} octets exceeds ${MAX_NAME_LENGTH}`);
    this.labels = labels;
  }

  /**
   * Parses presentation format (RFC 1035 §5.1): `\.` is a literal dot inside a label, `\DDD` a decimal byte,
   * `\X` the character X. A name without a trailing dot is relative to `origin` (absolute if none given);
   * `@` is the origin itself. Non-ASCII characters are encoded as UTF-8 bytes.
   */
  static parse(text: string, origin: Name = Name.ROOT): Name {
    if (text === '@') return origin;
    if (text === '.') return Name.ROOT;
    if (text.length === 0) throw new WireError('NAME_SYNTAX', 'empty name');
    const bytes = new TextEncoder().encode(text);
    const labels: Uint8Array[] = [];
    let cur: number[] = [];
    let absolute = false;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === BACKSLASH) {
        if (i + 1 >= bytes.length) throw new WireError('NAME_SYNTAX', `dangling backslash in ${JSON.stringify(text)}`);
        const d1 = bytes[i + 1]!;
        if (d1 >= 0x30 && d1 <= 0x39) {
          const digits = bytes.subarray(i + 1, i + 4);
          if (digits.length < 3 || !digits.every((d) => d >= 0x30 && d <= 0x39)) {
            throw new WireError('NAME_SYNTAX', `\\DDD escape needs three digits in ${JSON.stringify(text)}`);
          }
          const v = (digits[0]! - 0x30) * 100 + (digits[1]! - 0x30) * 10 + (digits[2]! - 0x30);
          if (v > 255) throw new WireError('NAME_SYNTAX', `\\DDD escape ${v} exceeds 255 in ${JSON.stringify(text)}`);
          cur.push(v);
          i += 3;
        } else {
          cur.push(d1);
          i += 1;
        }
      } else if (c === DOT) {
        if (cur.length === 0) throw new WireError('NAME_EMPTY_LABEL', `empty label in ${JSON.stringify(text)}`);
        labels.push(Uint8Array.from(cur));
        cur = [];
        if (i === bytes.length - 1) absolute = true;
      } else {
        cur.push(c);
      }
    }
    if (cur.length > 0) labels.push(Uint8Array.from(cur));
    if (absolute) return new Name(labels);
    return new Name([...labels, ...origin.labels]);
  }

  /** Presentation format with a trailing dot; special and non-printable bytes escaped so parse() round-trips. */
  toString(): string {
    if (this.labels.length === 0) return '.';
    let out = '';
    for (const l of this.labels) {
      for (const b of l) {
        if (b <= 0x20 || b >= 0x7f) out += '\\' + String(b).padStart(3, '0');
        else if (b === DOT || b === BACKSLASH || b === 0x22 || b === 0x28 || b === 0x29 || b === 0x3b || b === 0x40 || b === 0x24) {
          out += '\\' + String.fromCharCode(b);
        } else out += String.fromCharCode(b);
      }
      out += '.';
    }
    return out;
  }

  /** Uncompressed wire form, case preserved. */
  get wire(): Uint8Array {
    if (this.wireCache) return this.wireCache;
    const out = new Uint8Array(this.wireLength);
    let o = 0;
    for (const l of this.labels) {
      out[o++] = l.length;
      out.set(l, o);
      o += l.length;
    }
    out[o] = 0;
    this.wireCache = out;
    return out;
  }

  get wireLength(): number {
    let n = 1;
    for (const l of this.labels) n += l.length + 1;
    return n;
  }

  /** Canonical wire form (RFC 4034 §6.2): uncompressed, ASCII letters lowercased. */
  get canonicalWire(): Uint8Array {
    return Uint8Array.from(this.wire, lowerByte);
  }

  /** A string that is equal for names equal under DNS comparison: use it as a Map key. */
  get key(): string {
    if (this.keyCache !== undefined) return this.keyCache;
    let k = '';
    for (const l of this.labels) {
      k += String.fromCharCode(l.length);
      for (const b of l) k += String.fromCharCode(lowerByte(b));
    }
    this.keyCache = k;
    return k;
  }

  /** Number of labels, root excluded (RFC 4034 §3.1.3 counts this way, minus a leading `*`). */
  get labelCount(): number {
    return this.labels.length;
  }

  get isRoot(): boolean {
    return this.labels.length === 0;
  }

  /** True when the first label is exactly `*` (RFC 4592 §2.1.1). */
  get isWildcard(): boolean {
    const first = this.labels[0];
    return first !== undefined && first.length === 1 && first[0] === 0x2a;
  }

  equals(other: Name): boolean {
    return this === other || this.key === other.key;
  }

  /** True when this name is `other` or below it. */
  isSubdomainOf(other: Name): boolean {
    const off = this.labels.length - other.labels.length;
    if (off < 0) return false;
    for (let i = 0; i < other.labels.length; i++) {
      if (compareLabels(this.labels[off + i]!, other.labels[i]!) !== 0) return false;
    }
    return true;
  }

  /** True when this name is strictly below `other`. */
  isStrictSubdomainOf(other: Name): boolean {
    return this.labels.length > other.labels.length && this.isSubdomainOf(other);
  }

  /** The name with the first label removed; the root's parent is an error. */
  parent(): Name {
    if (this.isRoot) throw new WireError('NAME_ROOT_PARENT', 'the root has no parent');
    return new Name(this.labels.slice(1));
  }

  /** The last `count` labels (the ancestor with `count` labels). */
  suffix(count: number): Name {
    if (count >= this.labels.length) return this;
    return new Name(this.labels.slice(this.labels.length - count));
  }

  /** A child name: `label` (bytes, or a string taken as raw characters, no escapes) in front of this name. */
  prepend(label: Uint8Array | string): Name {
    const bytes = typeof label === 'string' ? new TextEncoder().encode(label) : label;
    return new Name([bytes, ...this.labels]);
  }

  /** The name with ASCII letters lowercased. */
  toLowerCase(): Name {
    return new Name(this.labels.map(lowerLabel));
  }

  /** Canonical DNS name order (RFC 4034 §6.1): compare labels from the root down. */
  static compare(a: Name, b: Name): number {
    let i = a.labels.length - 1;
    let j = b.labels.length - 1;
    for (; i >= 0 && j >= 0; i--, j--) {
      const d = compareLabels(a.labels[i]!, b.labels[j]!);
      if (d !== 0) return d;
    }
    return a.labels.length - b.labels.length;
  }

  /** Number of labels shared from the right (the closest common ancestor's label count). */
  static commonLabels(a: Name, b: Name): number {
    let n = 0;
    let i = a.labels.length - 1;
    let j = b.labels.length - 1;
    while (i >= 0 && j >= 0 && compareLabels(a.labels[i]!, b.labels[j]!) === 0) { n++; i--; j--; }
    return n;
  }

  /**
   * Reads a possibly compressed name from a message (RFC 1035 §4.1.4).
   * Pointers must point backwards, so a loop is impossible; at most MAX_COMPRESSION_POINTERS are followed
   * (RFC 9267 §2 lists unbounded pointer chains among the classic decoder flaws); the 255-octet limit is enforced.
   * Returns the name and the offset just after it in the original position.
   */
  static decode(buf: Uint8Array, offset: number): { name: Name; next: number } {
    const labels: Uint8Array[] = [];
    let pos = offset;
    let next = -1;
    let total = 1;
    let lowestJump = offset;
    let jumps = 0;
    for (;;) {
      if (pos >= buf.length) throw new WireError('NAME_TRUNCATED', `name at offset ${offset} runs past the end of the message`);
      const len = buf[pos]!;
      if (len === 0) { pos += 1; break; }
      const kind = len & 0xc0;
      if (kind === 0xc0) {
        if (pos + 1 >= buf.length) throw new WireError('NAME_TRUNCATED', `compression pointer at ${pos} is cut off`);
        const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
        if (next < 0) next = pos + 2;
        // Only backward pointers: each jump strictly decreases the position, so decoding terminates.
        if (target >= lowestJump) throw new WireError('NAME_BAD_POINTER', `compression pointer at ${pos} to ${target} does not point backwards`);
        if (++jumps > MAX_COMPRESSION_POINTERS) {
          throw new WireError('NAME_TOO_MANY_POINTERS', `name at offset ${offset} follows more than MAX_COMPRESSION_POINTERS (${MAX_COMPRESSION_POINTERS}) compression pointers`);
        }
        lowestJump = target;
        pos = target;
        continue;
      }
      if (kind !== 0) throw new WireError('NAME_BAD_LABEL_TYPE', `unsupported label type 0x${len.toString(16)} at ${pos}`);
      if (pos + 1 + len > buf.length) throw new WireError('NAME_TRUNCATED', `label at ${pos} runs past the end of the message`);
      total += len + 1;
      if (total > MAX_NAME_LENGTH) throw new WireError('NAME_TOO_LONG', `name at offset ${offset} exceeds ${MAX_NAME_LENGTH} octets`);
      labels.push(buf.slice(pos + 1, pos + 1 + len));
      pos += 1 + len;
    }
    return { name: new Name(labels), next: next < 0 ? pos : next };
  }
}
