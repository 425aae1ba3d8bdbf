/**
 * Which clients may use the resolver: a longest-prefix-match table of allow / refuse / drop rules over IPv4 and
 * IPv6 prefixes, shared by every listener (DNS over UDP and TCP here; the HTTP front end calls the same decide()).
 *
 * Safe by default (an open resolver is an amplifier, RFC 5358 §4): only loopback is allowed unless rules say
 * otherwise; every other client is refused. Configured rules are added to the loopback defaults, so a rule for
 * 127.0.0.0/8 or ::1 overrides them. Like Unbound's access-control, the most specific prefix wins; between two
 * rules of equal prefix the later one wins. IPv4-mapped IPv6 clients (::ffff:a.b.c.d) match IPv4 rules.
 *
 * @example
 *   const acl = new Acl([{ prefix: '192.0.2.0/24', action: 'allow' }, { prefix: '192.0.2.66', action: 'drop' }]);
 *   acl.decide('192.0.2.7');  // 'allow'
 *   acl.decide('192.0.2.66'); // 'drop'
 *   acl.decide('198.51.100.1'); // 'refuse'
 */
import { isIP } from 'node:net';

export type AclAction = 'allow' | 'refuse' | 'drop';

export interface AclRule {
  prefix: string;
  action: AclAction;
}

/** A prefix as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and a length in bits over those 16 bytes. */
export interface Prefix {
  bytes: Uint8Array;
  bits: number;
  text: string;
}

/** What a client that matches no rule gets. */
export const ACL_DEFAULT_ACTION: AclAction = 'refuse';
/** Loopback is always allowed unless a rule says otherwise. */
export const LOOPBACK_RULES: readonly AclRule[] = [
  { prefix: '127.0.0.0/8', action: 'allow' },
  { prefix: '::1/128', action: 'allow' },
];

const V4_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

export class AclError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AclError';
  }
}

/** `a.b.c.d`, `a.b.c.d/n`, `v6`, `v6/n`, and `[v6]` forms; throws AclError for anything else. */
export function parsePrefix(text: string): Prefix {
  const slash = text.indexOf('/');
  const addrText = (slash < 0 ? text : text.slice(0, slash)).replace(/^\[(.*)\]$/, '$1');
  const lenText = slash < 0 ? undefined : text.slice(slash + 1);
  const family = isIP(addrText);
  if (family === 0) throw new AclError(`${JSON.stringify(text)} is not an IP address or prefix`);
  const max = family === 4 ? 32 : 128;
  if (lenText !== undefined && !/^\d{1,3}$/.test(lenText)) throw new AclError(`${JSON.stringify(text)}: prefix length must be a number`);
  const len = lenText === undefined ? max : Number(lenText);
  if (len > max) throw new AclError(`${JSON.stringify(text)}: prefix length ${len} exceeds ${max}`);
  const bytes = addressBytes(addrText);
  return { bytes, bits: family === 4 ? 96 + len : len, text };
}

/** A valid IP address (check with isIP first) as 16 bytes, IPv4 and IPv4-mapped IPv6 alike as ::ffff:a.b.c.d. */
export function addressBytes(address: string): Uint8Array {
  const out = new Uint8Array(16);
  if (isIP(address) === 4) {
    out.set(V4_MAPPED);
    address.split('.').forEach((o, i) => { out[12 + i] = Number(o); });
    return out;
  }
  let text = address.replace(/%.*$/, ''); // zone index (fe80::1%eth0)
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail) {
    const [a, b, c, d] = v4tail[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  all.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}

/** True for the 16-byte form of an IPv4 address (::ffff:a.b.c.d). */
export function isV4Mapped(bytes: Uint8Array): boolean {
  return V4_MAPPED.every((b, i) => bytes[i] === b);
}

function matches(p: Prefix, addr: Uint8Array): boolean {
  const full = p.bits >> 3;
  for (let i = 0; i < full; i++) if (p.bytes[i] !== addr[i]) return false;
  const rest = p.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (p.bytes[full]! & mask) === (addr[full]! & mask);
}

/** True when the prefix covers every IPv4 or every IPv6 address (0.0.0.0/0, ::/0). */
export function coversEverything(p: Prefix): boolean {
  return p.bits === 0 || (p.bits === 96 && isV4Mapped(p.bytes));
}

export class Acl {
  /** Most specific first; for equal lengths the later rule first. */
  private readonly table: Array<{ prefix: Prefix; action: AclAction }>;

  constructor(rules: readonly AclRule[] = []) {
    const all = [...LOOPBACK_RULES, ...rules].map((r, order) => ({ prefix: parsePrefix(r.prefix), action: r.action, order }));
    all.sort((a, b) => b.prefix.bits - a.prefix.bits || b.order - a.order);
    this.table = all.map(({ prefix, action }) => ({ prefix, action }));
  }

  /** The action for a client address (as Node reports it: '127.0.0.1', '::1', '::ffff:192.0.2.1'). */
  decide(address: string): AclAction {
    if (isIP(address.replace(/%.*$/, '')) === 0) return 'drop';
    const addr = addressBytes(address);
    for (const rule of this.table) if (matches(rule.prefix, addr)) return rule.action;
    return ACL_DEFAULT_ACTION;
  }

  /** Prefixes that allow every address of a family: worth a warning, the resolver is open to the world. */
  openPrefixes(): string[] {
    return this.table.filter((r) => r.action === 'allow' && coversEverything(r.prefix)).map((r) => r.prefix.text);
  }
}
