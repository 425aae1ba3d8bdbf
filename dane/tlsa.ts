/**
 * TLSA records (RFC 6698 §2): the four fields, presentation parse/print (`U S M HEX`), the usability rules of
 * RFC 6698 §4.1, and computing a record's association data from a certificate or key.
 */
import { createHash } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';

/** Certificate usages (RFC 7218 §2.1 acronyms). */
export const USAGE = { PKIX_TA: 0, PKIX_EE: 1, DANE_TA: 2, DANE_EE: 3 } as const;
/** Selectors (RFC 7218 §2.2). */
export const SELECTOR = { CERT: 0, SPKI: 1 } as const;
/** Matching types (RFC 7218 §2.3). */
export const MTYPE = { FULL: 0, SHA2_256: 1, SHA2_512: 2 } as const;

/** One TLSA record's RDATA. `data` is the certificate association data (a digest or a full DER object). */
export interface TlsaRecord {
  readonly usage: number;
  readonly selector: number;
  readonly mtype: number;
  readonly data: Uint8Array;
}

/** Loose shapes a lookup may hand over: ours, or dns-packet's decoded TLSA (`matchingType`, `certificate`). */
export type TlsaRecordLike =
  | TlsaRecord
  | { usage: number; selector: number; matchingType: number; certificate: Uint8Array }
  | string;

export class TlsaSyntaxError extends Error {
  readonly code = 'TLSA_SYNTAX';
  constructor(message: string) {
    super(message);
    this.name = 'TlsaSyntaxError';
  }
}

const DIGEST_LENGTH: Record<number, number> = { [MTYPE.SHA2_256]: 32, [MTYPE.SHA2_512]: 64 };

/**
 * Parses `U S M HEX` (the RDATA part of a zone line; whitespace inside the hex is allowed, as in zone files
 * with parentheses). Field values 0–255 parse even when unknown: usability is a separate question (RFC 6698 §4.1).
 */
export function parseTlsa(text: string): TlsaRecord {
  const parts = text.trim().replace(/[()]/g, ' ').split(/\s+/);
  if (parts.length < 4) throw new TlsaSyntaxError(`TLSA needs "usage selector mtype hex", got ${JSON.stringify(text)}`);
  const [u, s, m, ...hexParts] = parts as [string, string, string, ...string[]];
  const fields = [u, s, m].map((f, i) => {
    if (!/^\d{1,3}$/.test(f) || Number(f) > 255) {
      throw new TlsaSyntaxError(`TLSA field ${['usage', 'selector', 'matching type'][i]} must be 0-255, got ${JSON.stringify(f)}`);
    }
    return Number(f);
  });
  const hex = hexParts.join('');
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new TlsaSyntaxError(`TLSA association data must be an even number of hex digits, got ${JSON.stringify(hex)}`);
  }
  return { usage: fields[0]!, selector: fields[1]!, mtype: fields[2]!, data: Uint8Array.from(Buffer.from(hex, 'hex')) };
}

/** `U S M HEX` with lower-case hex, as `dig` and `ldns` print it (on one line). */
export function formatTlsa(r: TlsaRecord): string {
  return `${r.usage} ${r.selector} ${r.mtype} ${Buffer.from(r.data).toString('hex')}`;
}

/** Normalises any accepted record shape to a fresh `TlsaRecord` (the input is never kept or changed). */
export function toTlsaRecord(r: TlsaRecordLike): TlsaRecord {
  if (typeof r === 'string') return parseTlsa(r);
  if ('mtype' in r) return { usage: r.usage, selector: r.selector, mtype: r.mtype, data: Uint8Array.from(r.data) };
  return { usage: r.usage, selector: r.selector, mtype: r.matchingType, data: Uint8Array.from(r.certificate) };
}

/**
 * Why a record cannot be used, or null when usable. RFC 6698 §4.1: records with unknown usage, selector or
 * matching type, or malformed data, are unusable and are ignored. A digest of the wrong length is malformed.
 */
export function unusableReason(r: TlsaRecord): string | null {
  if (r.usage > USAGE.DANE_EE) return `unknown certificate usage ${r.usage}`;
  if (r.selector > SELECTOR.SPKI) return `unknown selector ${r.selector}`;
  if (r.mtype > MTYPE.SHA2_512) return `unknown matching type ${r.mtype}`;
  const want = DIGEST_LENGTH[r.mtype];
  if (want !== undefined && r.data.length !== want) {
    return `matching type ${r.mtype} needs a ${want}-octet digest, record has ${r.data.length}`;
  }
  if (r.data.length === 0) return 'empty association data';
  return null;
}

/** DER of the part of a certificate a selector names: the whole certificate (0) or its SubjectPublicKeyInfo (1). */
export function selectedBytes(cert: X509Certificate, selector: number): Uint8Array {
  if (selector === SELECTOR.CERT) return new Uint8Array(cert.raw);
  if (selector === SELECTOR.SPKI) return new Uint8Array(cert.publicKey.export({ type: 'spki', format: 'der' }));
  throw new TlsaSyntaxError(`unknown selector ${selector}`);
}

/** Association data for `selected` bytes under a matching type: the bytes themselves, or their SHA-2 digest. */
export function associationData(selected: Uint8Array, mtype: number): Uint8Array {
  if (mtype === MTYPE.FULL) return Uint8Array.from(selected);
  if (mtype === MTYPE.SHA2_256) return new Uint8Array(createHash('sha256').update(selected).digest());
  if (mtype === MTYPE.SHA2_512) return new Uint8Array(createHash('sha512').update(selected).digest());
  throw new TlsaSyntaxError(`unknown matching type ${mtype}`);
}

/** The TLSA record that a certificate would need (shuque/dane's ComputeTLSA, pure). */
export function computeTlsa(cert: X509Certificate, usage: number, selector: number, mtype: number): TlsaRecord {
  return { usage, selector, mtype, data: associationData(selectedBytes(cert, selector), mtype) };
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
