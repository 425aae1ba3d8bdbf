/** EDNS(0) option helpers (RFC 6891 §6.1.2): Extended DNS Errors (RFC 8914). */
import { WireError } from './errors.js';
import type { EdnsInfo, EdnsOption, Message } from './types.js';

/** EDNS option codes (IANA "DNS EDNS0 Option Codes"). */
export const EDNS_OPTION = { COOKIE: 10, PADDING: 12, EDE: 15 } as const;

/** One Extended DNS Error (RFC 8914 §2): a 16-bit INFO-CODE and optional UTF-8 EXTRA-TEXT. */
export interface Ede {
  infoCode: number;
  extraText: string;
}

/** RFC 8914 §5.2 registry names, for presentation. */
const EDE_NAMES: readonly string[] = [
  'Other', 'Unsupported DNSKEY Algorithm', 'Unsupported DS Digest Type', 'Stale Answer', 'Forged Answer',
  'DNSSEC Indeterminate', 'DNSSEC Bogus', 'Signature Expired', 'Signature Not Yet Valid', 'DNSKEY Missing',
  'RRSIGs Missing', 'No Zone Key Bit Set', 'NSEC Missing', 'Cached Error', 'Not Ready', 'Blocked', 'Censored',
  'Filtered', 'Prohibited', 'Stale NXDOMAIN Answer', 'Not Authoritative', 'Not Supported', 'No Reachable Authority',
  'Network Error', 'Invalid Data', 'Signature Expired before Valid', 'Too Early', 'Unsupported NSEC3 Iterations Value',
];

export function edeName(infoCode: number): string {
  return EDE_NAMES[infoCode] ?? `EDE${infoCode}`;
}

export function encodeEde(ede: Ede): EdnsOption {
  if (!Number.isInteger(ede.infoCode) || ede.infoCode < 0 || ede.infoCode > 0xffff) {
    throw new WireError('ENCODE_OUT_OF_RANGE', `EDE INFO-CODE ${ede.infoCode} is outside 0..65535`);
  }
  const text = new TextEncoder().encode(ede.extraText);
  if (text.length > 0xffff - 2) throw new WireError('ENCODE_OUT_OF_RANGE', `EDE EXTRA-TEXT of ${text.length} octets is too long`);
  const data = new Uint8Array(2 + text.length);
  data[0] = ede.infoCode >>> 8;
  data[1] = ede.infoCode & 0xff;
  data.set(text, 2);
  return { code: EDNS_OPTION.EDE, data };
}

/**
 * RFC 8914 §2: OPTION-LENGTH is at least 2; EXTRA-TEXT is UTF-8, may be empty, and SHOULD NOT be NUL-terminated
 * (a trailing NUL is dropped). Invalid UTF-8 is shown with replacement characters: the text is for humans only.
 */
export function decodeEde(option: EdnsOption): Ede {
  if (option.code !== EDNS_OPTION.EDE) throw new WireError('EDE_WRONG_OPTION', `option ${option.code} is not EDE (15)`);
  if (option.data.length < 2) throw new WireError('EDE_TRUNCATED', `EDE option of ${option.data.length} octets is shorter than 2`);
  let text = option.data.subarray(2);
  if (text.length > 0 && text[text.length - 1] === 0) text = text.subarray(0, text.length - 1);
  return { infoCode: (option.data[0]! << 8) | option.data[1]!, extraText: new TextDecoder('utf-8').decode(text) };
}

/** All well-formed EDE options of a message, in order (RFC 8914 §3 allows several); malformed ones are skipped. */
export function getEdes(msg: Pick<Message, 'edns'>): Ede[] {
  const out: Ede[] = [];
  for (const o of msg.edns?.options ?? []) {
    if (o.code !== EDNS_OPTION.EDE || o.data.length < 2) continue;
    out.push(decodeEde(o));
  }
  return out;
}

/** The first well-formed EDE of a message, if any. */
export function getEde(msg: Pick<Message, 'edns'>): Ede | undefined {
  return getEdes(msg)[0];
}

/** Returns EDNS info with an EDE option appended (the input is not changed). */
export function withEde(edns: EdnsInfo, ede: Ede): EdnsInfo {
  return { ...edns, options: [...edns.options, encodeEde(ede)] };
}
