/**
 * RRSIG validity window and TTL capping.
 *
 * RFC 4034 §3.1.5: inception and expiration are 32-bit serial numbers of seconds since 1970, compared with
 * RFC 1982 serial arithmetic, so a window that spans 2106-02-07 (2^32 s) still works. `now` is plain Unix
 * seconds (a JS number, may exceed 2^32) and is reduced modulo 2^32 before comparing.
 */

const TWO_32 = 0x1_0000_0000;
const HALF = 0x8000_0000;

/** Reduces any integer number of seconds to the 32-bit serial space. */
export function toSerial(seconds: number): number {
  const s = Math.floor(seconds) % TWO_32;
  return s < 0 ? s + TWO_32 : s;
}

/**
 * Signed distance b − a in serial space (RFC 1982 §3.2): positive when b is after a, in (−2^31, 2^31].
 * Exactly 2^31 apart is undefined in RFC 1982; we call it "after", which makes such a window fail closed
 * one way or the other rather than silently pass both checks.
 */
export function serialDiff(a: number, b: number): number {
  const d = (toSerial(b) - toSerial(a) + TWO_32) % TWO_32;
  return d > HALF ? d - TWO_32 : d;
}

/** RFC 1982 comparison: negative when a precedes b, 0 when equal, positive when a follows b. */
export function serialCompare(a: number, b: number): number {
  return serialDiff(b, a);
}

export type WindowState = 'valid' | 'expired' | 'not-yet-valid' | 'inverted';

/**
 * Where `now` sits relative to an RRSIG window (RFC 4035 §5.3.1: "The validator's notion of the current time
 * MUST be less than or equal to the time listed in the RRSIG RR's Expiration field" and "greater than or equal
 * to the time listed in the RRSIG RR's Inception field"), widened by `skewSeconds` on both ends.
 * 'inverted' when expiration precedes inception (EDE 25, Signature Expired before Valid).
 */
export function validityState(inception: number, expiration: number, now: number, skewSeconds = 0): WindowState {
  if (serialDiff(inception, expiration) < 0) return 'inverted';
  if (serialDiff(now - skewSeconds, expiration) < 0) return 'expired';
  if (serialDiff(inception, now + skewSeconds) < 0) return 'not-yet-valid';
  return 'valid';
}

/**
 * TTL of a validated RRset (RFC 4035 §5.3.3): not above the RRs' TTL, the RRSIG Original TTL, or the time left
 * until the signature expires. Never negative.
 */
export function cappedTtl(rrTtl: number, originalTtl: number, expiration: number, now: number): number {
  const left = serialDiff(now, expiration);
  return Math.max(0, Math.min(rrTtl, originalTtl, left));
}
