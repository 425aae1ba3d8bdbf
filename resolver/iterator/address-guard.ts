/**
 * Which server addresses the resolver may send queries to. With the built-in public root hints, a delegation
 * pointing at loopback, private, link-local or otherwise special-use space is an attempt to turn the resolver
 * against its own network (the "internal target" class of attacks; Unbound's do-not-query-localhost and
 * private-address defaults), so such targets are refused. With operator-supplied hints (a private root or a
 * test hierarchy on 127.0.0.0/8) every well-formed unicast literal is allowed.
 */

/** Parses a dotted-quad IPv4 literal into four octets, or undefined. */
export function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

/** Parses an IPv6 literal (with `::` and an optional embedded IPv4 tail) into 16 octets, or undefined. */
export function parseIpv6(text: string): number[] | undefined {
  const zoneless = text.split('%')[0]!;
  if (!zoneless.includes(':')) return undefined;
  const halves = zoneless.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const pieces = part.split(':');
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (i === pieces.length - 1 && p.includes('.')) {
      const v4 = parseIpv4(p);
      if (!v4) return undefined;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
  }
  return out;
}

export function isIpv6(address: string): boolean {
  return parseIpv6(address) !== undefined;
}

/** RFC 6890 special-use IPv4 blocks a public delegation must never point at. */
function isSpecialIpv4(o: number[]): boolean {
  const [a, b] = [o[0]!, o[1]!];
  return (
    a === 0 || // 0.0.0.0/8 "this network"
    a === 10 || // RFC 1918
    a === 127 || // loopback
    (a === 100 && b >= 64 && b <= 127) || // RFC 6598 shared address space
    (a === 169 && b === 254) || // link-local
    (a === 172 && b >= 16 && b <= 31) || // RFC 1918
    (a === 192 && b === 168) || // RFC 1918
    (a === 192 && b === 0 && o[2] === 0) || // IETF protocol assignments
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224 // multicast, reserved, broadcast
  );
}

/** RFC 6890 / RFC 4291 special-use IPv6 blocks. */
function isSpecialIpv6(o: number[]): boolean {
  if (o.slice(0, 15).every((x) => x === 0) && (o[15] === 0 || o[15] === 1)) return true; // :: and ::1
  if (o.slice(0, 10).every((x) => x === 0) && o[10] === 0xff && o[11] === 0xff) return isSpecialIpv4(o.slice(12)); // ::ffff:v4
  const first = o[0]!;
  return (
    (first & 0xfe) === 0xfc || // fc00::/7 unique local
    (first === 0xfe && (o[1]! & 0xc0) === 0x80) || // fe80::/10 link-local
    (first === 0xfe && (o[1]! & 0xc0) === 0xc0) || // fec0::/10 deprecated site-local
    first === 0xff || // multicast
    (first === 0x20 && o[1] === 0x01 && o[2] === 0x0d && o[3] === 0xb8) // 2001:db8::/32 documentation
  );
}

/**
 * True when a query may be sent to `address`. `builtinHints` is ResolverConfig.builtinHints: only then are
 * special-use targets refused; a malformed literal is always refused.
 */
export function isAllowedTarget(address: string, builtinHints: boolean): boolean {
  const v4 = parseIpv4(address);
  if (v4) return !builtinHints || !isSpecialIpv4(v4);
  const v6 = parseIpv6(address);
  if (v6) return !builtinHints || !isSpecialIpv6(v6);
  return false;
}
