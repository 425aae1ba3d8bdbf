/** Building outgoing queries. */
import type { Name } from './name.js';
import { CLASS_IN, type Message } from './types.js';
import { encodeMessage } from './message.js';

/** EDNS payload size recommended by DNS Flag Day 2020 to avoid IP fragmentation. */
export const DEFAULT_UDP_SIZE = 1232;

export interface QueryOptions {
  id: number;
  name: Name;
  type: number;
  /** Recursion desired. */
  rd: boolean;
  /** Checking disabled (RFC 4035 §3.2.2): ask the upstream not to validate. */
  cd: boolean;
  /** DNSSEC OK (RFC 3225): ask for RRSIGs; needs EDNS. */
  do: boolean;
  /** EDNS UDP payload size; EDNS is sent when this is given or `do` is set (then DEFAULT_UDP_SIZE). */
  udpSize?: number;
  /** AD in a query asks for the AD bit in the answer (RFC 6840 §5.7). */
  ad?: boolean;
}

/** A one-question query message (class IN), uncompressed since a single name has nothing to point at. */
export function queryMessage(o: QueryOptions): Message {
  const msg: Message = {
    id: o.id,
    flags: { qr: false, opcode: 0, aa: false, tc: false, rd: o.rd, ra: false, ad: o.ad ?? false, cd: o.cd },
    rcode: 0,
    question: [{ name: o.name, type: o.type, class: CLASS_IN }],
    answer: [],
    authority: [],
    additional: [],
  };
  if (o.udpSize !== undefined || o.do) msg.edns = { udpSize: o.udpSize ?? DEFAULT_UDP_SIZE, version: 0, do: o.do, options: [] };
  return msg;
}

export function buildQuery(o: QueryOptions): Uint8Array {
  return encodeMessage(queryMessage(o), { compress: false });
}

/** A uniformly random 16-bit message ID (RFC 5452 §9.2) from the platform CSPRNG. */
export function randomId(): number {
  const a = new Uint16Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0]!;
}
