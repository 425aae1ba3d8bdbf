/**
 * QNAME case randomisation ("0x20", draft-vixie-dnsext-dns0x20): each ASCII letter of an outgoing QNAME gets a
 * random case, and the reply's question must echo it octet for octet. A forger who does not see the query must
 * then guess one more bit per letter, on top of the 16-bit ID and the random source port (RFC 5452 §9.1, §10).
 *
 * Some servers do not echo the case they were sent. Such an address is remembered (bounded: MAX_NO_ECHO_SERVERS)
 * and asked with the plain name from then on (as Knot Resolver falls back, and Unbound's use-caps-for-id
 * fallback does), so the randomisation never costs an answer; a reply whose case differs is never used.
 * Pure apart from the injected random source.
 */
import { LRUCache } from 'lru-cache';
import { Name } from '../wire/name.js';
import type { Message, RR } from '../wire/types.js';

/** Addresses remembered as not echoing the QNAME case (Unbound keeps this per host in its infra cache). */
export const MAX_NO_ECHO_SERVERS = 10_000;
/** How long an address stays on the plain-name list before 0x20 is tried on it again. */
export const NO_ECHO_MS = 3_600_000;

export type RandomFill = (bytes: Uint8Array) => void;

const cryptoFill: RandomFill = (bytes) => { globalThis.crypto.getRandomValues(bytes); };

/** A copy of `name` with each ASCII letter's case taken from `random`; other octets unchanged. */
export function randomiseCase(name: Name, random: RandomFill = cryptoFill): Name {
  const total = name.labels.reduce((n, l) => n + l.length, 0);
  if (total === 0) return name;
  const bits = new Uint8Array(Math.ceil(total / 8));
  random(bits);
  let i = 0;
  return new Name(name.labels.map((label) => Uint8Array.from(label, (b) => {
    const flip = (bits[i >> 3]! >> (i++ & 7)) & 1;
    const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
    if (!letter) return b;
    return flip ? b & ~0x20 : b | 0x20;
  })));
}

/** Letters in a name: the bits of entropy 0x20 adds to a query for it. */
export function caseBits(name: Name): number {
  let n = 0;
  for (const l of name.labels) for (const b of l) if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)) n++;
  return n;
}

/** True when both names have exactly the same octets (case included). */
export function sameOctets(a: Name, b: Name): boolean {
  if (a.labels.length !== b.labels.length) return false;
  for (let i = 0; i < a.labels.length; i++) {
    const x = a.labels[i]!;
    const y = b.labels[i]!;
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

/** RDATA that is exactly one name (RFC 1035 §3.3.1, §3.3.11; RFC 6672 §2.1): its case is restored too. */
const NAME_RDATA = new Set<number>([2 /* NS */, 5 /* CNAME */, 39 /* DNAME */]);

function sameLabel(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * `name` with the labels it shares with the sent QNAME, spelled exactly as sent (a server compressing its reply
 * points into our question and copies our random case), put back to the original spelling.
 */
export function restoreName(name: Name, sent: Name, original: Name): Name {
  const common = Name.commonLabels(name, sent);
  if (common === 0) return name;
  const at = name.labels.length - common;
  const from = sent.labels.length - common;
  let changed = false;
  const labels = name.labels.map((label, i) => {
    if (i < at) return label;
    const k = from + i - at;
    if (!sameLabel(label, sent.labels[k]!) || sameLabel(label, original.labels[k]!)) return label;
    changed = true;
    return original.labels[k]!;
  });
  return changed ? new Name(labels) : name;
}

function restoreRecord(rr: RR, sent: Name, original: Name): RR {
  const name = restoreName(rr.name, sent, original);
  let rdata = rr.rdata;
  if (NAME_RDATA.has(rr.type)) {
    try {
      const target = Name.decode(rr.rdata, 0).name;
      const restored = restoreName(target, sent, original);
      if (restored !== target) rdata = restored.wire;
    } catch {
      // Not a name: left as it is (the scrubber and validator judge it).
    }
  }
  return name === rr.name && rdata === rr.rdata ? rr : { ...rr, name, rdata };
}

/** The resolver's 0x20 state: which name to send to an address, and the addresses that do not echo case. */
export class QnameCase {
  private readonly noEcho = new LRUCache<string, number>({ max: MAX_NO_ECHO_SERVERS });

  constructor(readonly enabled: boolean, private readonly random: RandomFill = cryptoFill) {}

  /** The QNAME to send to `address`: randomised, or `qname` itself when off or the server does not echo case. */
  nameFor(address: string, qname: Name, nowMs: number): Name {
    if (!this.enabled) return qname;
    const until = this.noEcho.get(address);
    if (until !== undefined && until > nowMs) return qname;
    return randomiseCase(qname, this.random);
  }

  /**
   * Checks the case of a reply's question against what was sent. Returns the reply with the random case put
   * back to the caller's spelling in owner names and NS/CNAME/DNAME targets (so clients never see it), or
   * undefined on a mismatch: the reply is not used, and the address is asked with plain names for NO_ECHO_MS.
   */
  accept(address: string, sent: Name, original: Name, reply: Message, nowMs: number): Message | undefined {
    if (sent === original) return reply;
    const replied = reply.question[0]?.name;
    if (replied !== undefined && !sameOctets(sent, replied)) {
      this.noEcho.set(address, nowMs + NO_ECHO_MS);
      return undefined;
    }
    const restore = (rrs: RR[]): RR[] => rrs.map((rr) => restoreRecord(rr, sent, original));
    return {
      ...reply,
      question: reply.question.map((q) => ({ ...q, name: restoreName(q.name, sent, original) })),
      answer: restore(reply.answer),
      authority: restore(reply.authority),
      additional: restore(reply.additional),
    };
  }
}
