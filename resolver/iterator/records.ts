/** Small record helpers for the iterator: names and addresses out of RDATA, RRSIG coverage. */
import { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { decodeTargetName } from '../wire/rdata.js';
import { decodeRrsig } from '../wire/dnssec-rdata.js';

/** The domain name in NS, CNAME and DNAME RDATA (uncompressed in a decoded message). */
export function rdataName(rr: RR): Name {
  return decodeTargetName(rr.rdata);
}

/** Type covered by an RRSIG (RFC 4034 §3.1.1), or -1 when the RDATA is too short. */
export function coveredType(rr: RR): number {
  return rr.rdata.length >= 2 ? (rr.rdata[0]! << 8) | rr.rdata[1]! : -1;
}

/** True for `rr` itself being of `type`, or an RRSIG covering `type`. */
export function isOfType(rr: RR, type: number): boolean {
  return rr.type === type || (rr.type === T.RRSIG && coveredType(rr) === type);
}

export { addressOf } from '../wire/rdata.js';

/**
 * The Signer's Name (RFC 4034 §3.1.7) of the first of `rrsigs` that decodes. Only a name: whether the signature
 * verifies is the validator's to say (a malformed RRSIG names no signer and is reported there).
 */
export function signerOf(rrsigs: readonly RR[]): Name | undefined {
  for (const rr of rrsigs) {
    try {
      return decodeRrsig(rr.rdata).signerName;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** Replaces the `owner` suffix of `name` with `target` (DNAME substitution, RFC 6672 §2.2); undefined when too long. */
export function substituteSuffix(name: Name, owner: Name, target: Name): Name | undefined {
  const keep = name.labels.slice(0, name.labelCount - owner.labelCount);
  try {
    return new Name([...keep, ...target.labels]);
  } catch {
    return undefined; // RFC 6672 §2.2: the result would exceed 255 octets (YXDOMAIN)
  }
}
