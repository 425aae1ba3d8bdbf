/**
 * Wire-format glue shared by the socket front ends (and DoH later): bytes in, bytes out, around handleQuery.
 * Undecodable headers are dropped; decodable headers with a malformed body get FORMERR (RFC 1035 §4.1.1).
 * UDP replies are cut to the client's payload size with TC set (RFC 1035 §4.2.1, RFC 6891 §6.2.5);
 * TCP replies are only bounded by the two-byte length (RFC 7766 §8).
 */
import type { Resolver } from '../resolver/api.js';
import { decodeMessage, encodeMessage } from '../resolver/wire/message.js';
import { RCODE } from '../resolver/wire/types.js';
import type { Message } from '../resolver/wire/types.js';
import { handleQuery, responseTo, withExtendedError } from './handler.js';
import { EDE } from '../resolver/dnssec/verdict.js';
import type { QueryContext } from './handler.js';
import { CLASSIC_UDP_SIZE, SERVER_UDP_SIZE } from './limits.js';
import { fastPathOf } from './fast-path.js';

const HEADER_LENGTH = 12;
const MAX_TCP_MESSAGE = 65535;

/** The largest reply a client can take over UDP: its EDNS size (at least 512), capped by ours. */
export function udpReplyLimit(query: Message | undefined): number {
  return udpLimitFor(query?.edns?.udpSize);
}

function udpLimitFor(udpSize: number | undefined): number {
  return Math.min(Math.max(udpSize ?? CLASSIC_UDP_SIZE, CLASSIC_UDP_SIZE), SERVER_UDP_SIZE);
}

/** FORMERR for a message whose header decodes but whose body does not: echo ID, opcode and RD only. */
function formErr(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH);
  out[0] = bytes[0]!;
  out[1] = bytes[1]!;
  out[2] = 0x80 | (bytes[2]! & 0x79); // QR, opcode, RD kept; AA, TC cleared
  out[3] = 0x80 | RCODE.FORMERR; // RA
  return out;
}

/** Encodes a response within `maxSize`; if even the header and question do not fit, sends them alone with TC. */
export function encodeResponse(response: Message, maxSize: number): Uint8Array {
  try {
    return encodeMessage(response, { maxSize });
  } catch {
    const bare: Message = { ...response, answer: [], authority: [], additional: [], flags: { ...response.flags, tc: true } };
    delete bare.edns;
    return encodeMessage(bare, { maxSize });
  }
}

/**
 * The reply to a client the policy turned away, without resolving: REFUSED with EDE 18 Prohibited
 * (RFC 8914 §4.19, "an unauthorized client"), or for the rate-limit slip an empty reply with TC=1 (no larger
 * than the query, so it amplifies nothing). Undefined when nothing should be sent.
 */
export function turnAway(bytes: Uint8Array, how: 'refuse' | 'rate-refuse' | 'truncate', protocol: 'udp' | 'tcp'): Uint8Array | undefined {
  if (bytes.length < HEADER_LENGTH || (bytes[2]! & 0x80) !== 0) return undefined;
  let query: Message;
  try {
    query = decodeMessage(bytes);
  } catch {
    return formErr(bytes);
  }
  const maxSize = protocol === 'udp' ? udpReplyLimit(query) : MAX_TCP_MESSAGE;
  if (how === 'truncate') {
    const bare = responseTo(query, RCODE.NOERROR);
    bare.flags.tc = true;
    delete bare.edns;
    return encodeResponse(bare, maxSize);
  }
  const text = how === 'refuse' ? 'client not allowed by access-control' : 'client rate limited';
  return encodeResponse(withExtendedError(responseTo(query, RCODE.REFUSED), EDE.PROHIBITED, text), maxSize);
}

/** Header flags of the skeleton messages a fast-path answer shows its observers (not sent anywhere). */
const FAST_PATH_FLAGS = { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, ad: false, cd: false } as const;

/**
 * Answers one wire-format query. Returns undefined when nothing should be sent: a message too short to hold a
 * header, or a response (QR set) — answering those would let two servers bounce packets forever.
 */
export async function answerWire(bytes: Uint8Array, resolver: Resolver, ctx: QueryContext): Promise<Uint8Array | undefined> {
  if (bytes.length < HEADER_LENGTH) return undefined;
  if ((bytes[2]! & 0x80) !== 0) return undefined;
  // A cache hit for a question answered before: stored bytes with ID, RD and TTLs patched (cache/wire-store.ts).
  const fast = fastPathOf(resolver);
  const stored = fast?.answerFromWire(bytes, ctx.protocol === 'udp' ? udpLimitFor : () => MAX_TCP_MESSAGE);
  if (stored) {
    ctx.onResult?.(stored.question, stored.result);
    if (ctx.onAnswered) {
      // Observers (metrics) read the question and the rcode; the fast path decodes nothing else.
      const asked: Message = { id: 0, flags: FAST_PATH_FLAGS, rcode: 0, question: [stored.question], answer: [], authority: [], additional: [] };
      ctx.onAnswered(asked, { ...asked, rcode: stored.result.rcode });
    }
    return stored.bytes;
  }
  let query: Message;
  try {
    query = decodeMessage(bytes);
  } catch {
    return formErr(bytes);
  }
  let response: Message;
  try {
    response = await handleQuery(query, resolver, ctx);
  } catch {
    // handleQuery does not throw; this keeps a future bug from taking the listener down.
    response = responseTo(query, RCODE.SERVFAIL);
  }
  const maxSize = ctx.protocol === 'udp' ? udpReplyLimit(query) : MAX_TCP_MESSAGE;
  try {
    const out = encodeResponse(response, maxSize);
    fast?.rememberWire(query, response, out);
    return out;
  } catch {
    return encodeResponse(responseTo(query, RCODE.SERVFAIL), maxSize);
  }
}
