/**
 * NSEC3 owner-name hashing (RFC 5155 §5). Only hash algorithm 1 (SHA-1) is defined (RFC 5155 §11).
 * The iteration cap of policy (RFC 9276 §3.2, `ValidationPolicy.maxNsec3Iterations`) is the validator's decision
 * and is applied before hashing; this function enforces only the field's own range.
 */
import type { Name } from '../wire/name.js';
import { sha1Iterated } from './algorithms.js';

/** NSEC3 hash algorithm 1: SHA-1 (RFC 5155 §11). */
export const NSEC3_HASH_SHA1 = 1;

/** The Iterations field is 16 bits (RFC 5155 §3.1.3). */
export const NSEC3_MAX_ITERATIONS_FIELD = 0xffff;

/** IH(salt, canonical wire name, iterations) per RFC 5155 §5; 20 octets. */
export function nsec3Hash(name: Name, salt: Uint8Array, iterations: number): Uint8Array {
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > NSEC3_MAX_ITERATIONS_FIELD) {
    throw new RangeError(`NSEC3 iterations ${iterations} outside 0..${NSEC3_MAX_ITERATIONS_FIELD}`);
  }
  return sha1Iterated(name.canonicalWire, salt, iterations);
}
