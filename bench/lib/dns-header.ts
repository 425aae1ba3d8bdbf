/** Pure reads of a DNS message's header and question (RFC 1035 §4.1), for the benchmark tools' counters. */

const TYPE_NAMES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 28: 'AAAA', 43: 'DS', 46: 'RRSIG', 48: 'DNSKEY', 52: 'TLSA' };

/** The QTYPE of a query (after the 12-byte header and the QNAME's labels) by mnemonic, or '?' if malformed. */
export function queryType(msg: Uint8Array): string {
  let off = 12;
  while (off < msg.length) {
    const len = msg[off]!;
    if (len === 0) break;
    if (len >= 0xc0) return '?'; // a query's QNAME is never compressed
    off += 1 + len;
  }
  if (off + 3 > msg.length) return '?';
  const t = (msg[off + 1]! << 8) | msg[off + 2]!;
  return TYPE_NAMES[t] ?? String(t);
}

export interface Header {
  id: number;
  tc: boolean;
  ad: boolean;
  rcode: number;
  answers: number;
}

export function readHeader(msg: Uint8Array): Header {
  if (msg.length < 12) throw new Error(`reply of ${msg.length} bytes is shorter than a DNS header`);
  return {
    id: (msg[0]! << 8) | msg[1]!,
    tc: (msg[2]! & 0x02) !== 0,
    ad: (msg[3]! & 0x20) !== 0,
    rcode: msg[3]! & 0x0f,
    answers: (msg[6]! << 8) | msg[7]!,
  };
}
