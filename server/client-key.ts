/**
 * The key a client's share of server resources is counted under: its address cut to a prefix (README "Limits":
 * clientPrefixV4 / clientPrefixV6), so one host cannot dodge its share by using many addresses of its own /64.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as the IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface ClientPrefixes {
  /** Bits of an IPv4 address that name one client (32: each address is its own client). */
  clientPrefixV4: number;
  /** Bits of an IPv6 address that name one client (64: one end site's subnet, RFC 6177 §2). */
  clientPrefixV6: number;
}

function maskBits(bytes: number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

function ipv6Bytes(address: string): number[] | undefined {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part ? part.split(':') : []).flatMap((g) => {
    const v = parseInt(g, 16);
    return [(v >> 8) & 0xff, v & 0xff];
  });
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  if (tail === undefined && h.length !== 16) return undefined;
  return [...h, ...new Array<number>(16 - h.length - t.length).fill(0), ...t];
}

/** The client key of a socket's remote address; the address itself when it cannot be parsed. */
export function clientKey(address: string | undefined, prefixes: ClientPrefixes): string {
  if (address === undefined) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const v4 = mapped ? mapped[1]! : address;
  if (isIPv4(v4)) return `${maskBits(v4.split('.').map(Number), prefixes.clientPrefixV4).join('.')}/${prefixes.clientPrefixV4}`;
  if (!isIPv6(address)) return address;
  const bytes = ipv6Bytes(address.replace(/%.*$/, ''));
  if (bytes === undefined) return address;
  const masked = maskBits(bytes, prefixes.clientPrefixV6);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((masked[i]! << 8) | masked[i + 1]!).toString(16));
  return `${groups.join(':')}/${prefixes.clientPrefixV6}`;
}
