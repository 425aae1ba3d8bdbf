/** DNSKEY key tags (RFC 4034 Appendix B). Pure; results cached per RDATA array. */

/** Algorithm 1 (RSA/MD5) uses a different key tag (RFC 4034 Appendix B.1). */
const ALG_RSAMD5 = 1;

const cache = new WeakMap<Uint8Array, number>();

/**
 * Key tag of a DNSKEY RDATA (flags | protocol | algorithm | public key).
 * RFC 4034 App. B: the 16-bit one's-complement-like sum of the RDATA taken as big-endian 16-bit words,
 * with the carry added back once. For algorithm 1 (App. B.1) it is "the most significant 16 bits of the least
 * significant 24 bits in the public key modulus", i.e. the third- and second-to-last octets of the RDATA.
 */
export function keyTag(dnskeyRdata: Uint8Array): number {
  const hit = cache.get(dnskeyRdata);
  if (hit !== undefined) return hit;
  const tag = computeKeyTag(dnskeyRdata);
  cache.set(dnskeyRdata, tag);
  return tag;
}

function computeKeyTag(rdata: Uint8Array): number {
  if (rdata.length >= 4 && rdata[3] === ALG_RSAMD5) {
    if (rdata.length < 7) return 0;
    return (rdata[rdata.length - 3]! << 8) | rdata[rdata.length - 2]!;
  }
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i]! : rdata[i]! << 8;
  ac += (ac >>> 16) & 0xffff;
  return ac & 0xffff;
}
