/**
 * DS digests (RFC 4034 §5.1.4; SHA-256 RFC 4509; SHA-384 RFC 6605 §2) and DS ↔ DNSKEY matching.
 *   digest = digest_algorithm( DNSKEY owner name | DNSKEY RDATA ),  owner in canonical wire form.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { decodeDs } from '../wire/dnssec-rdata.js';
import { DEFAULT_POLICY, type ValidationPolicy } from './policy.js';
import { dsDigestOf, isSupportedDigest } from './algorithms.js';
import { keyTag } from './keytag.js';

export { isSupportedDigest } from './algorithms.js';

/** The DS digest of a DNSKEY for a digest type; undefined when daneel does not implement that type. */
export function dsDigest(owner: Name, dnskeyRdata: Uint8Array, digestType: number): Uint8Array | undefined {
  return dsDigestOf(digestType, [owner.canonicalWire, dnskeyRdata]);
}

export type DsMatch = 'match' | 'mismatch' | 'unsupported';

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Does this DS RR refer to this DNSKEY RR (RFC 4035 §5.2)? Owner, key tag, algorithm and digest must agree.
 * 'unsupported' when the DS digest type is not one daneel computes under `policy` (the validator then
 * ignores this DS; a zone whose DS set is all unsupported is insecure, RFC 4035 §5.2, RFC 6840 §5.2).
 * The DNSKEY's algorithm support is not judged here: check isSupportedAlgorithm separately.
 * A malformed DS or DNSKEY RDATA is a 'mismatch'.
 */
export function dsMatchesDnskey(ds: RR, dnskey: RR, policy: ValidationPolicy = DEFAULT_POLICY): DsMatch {
  if (ds.type !== T.DS || dnskey.type !== T.DNSKEY || dnskey.rdata.length < 5) return 'mismatch';
  let parsed;
  try {
    parsed = decodeDs(ds.rdata);
  } catch {
    return 'mismatch';
  }
  if (!isSupportedDigest(parsed.digestType, policy)) return 'unsupported';
  if (!ds.name.equals(dnskey.name) || ds.class !== dnskey.class) return 'mismatch';
  if (parsed.algorithm !== dnskey.rdata[3] || parsed.keyTag !== keyTag(dnskey.rdata)) return 'mismatch';
  const digest = dsDigest(dnskey.name, dnskey.rdata, parsed.digestType);
  return digest !== undefined && bytesEqual(digest, parsed.digest) ? 'match' : 'mismatch';
}

/** Digest lengths of the assigned DS digest types (RFC 4034 §5.1.4, RFC 4509 §2.2, RFC 5933, RFC 6605 §4). */
const DS_DIGEST_LENGTH: ReadonlyMap<number, number> = new Map([[1, 20], [2, 32], [3, 32], [4, 48]]);

/** Why a DS digest cannot be right for its type (wrong length for an assigned type), or undefined. */
export function dsDigestLengthProblem(digestType: number, length: number): string | undefined {
  const want = DS_DIGEST_LENGTH.get(digestType);
  if (want === undefined || want === length) return undefined;
  return `digest type ${digestType} needs ${want} octets, got ${length}`;
}
