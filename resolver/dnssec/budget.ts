/**
 * Validation work budget for one client request: caps on signature checks and NSEC3 hash computations,
 * so KeyTrap-style zones (CVE-2023-50387: many colliding keys × many signatures; CVE-2023-50868: costly
 * NSEC3 closest-encloser proofs) cannot pin the CPU. Exhaustion is a bogus verdict, never a crash.
 */
export interface WorkLimits {
  /** Signature verifications per client request (Unbound caps at 8 per RRset with colliding tags; we cap overall). */
  maxSignatureChecks: number;
  /**
   * NSEC3 hash computations (each costs iterations + 1 SHA-1 digests, at most 151 under the RFC 9276 cap) per client
   * request. An honest proof needs a few per NSEC3 zone on the chain (closest encloser, next closer, wildcard);
   * 128 at 150 iterations is ~19,000 digests, tens of milliseconds of CPU, where 512 allowed ~250 ms.
   */
  maxNsec3Hashes: number;
}

export const DEFAULT_WORK_LIMITS: WorkLimits = { maxSignatureChecks: 256, maxNsec3Hashes: 128 };

/**
 * SHA-1 rounds of NSEC3 hashing per client request, whatever the hash count (CVE-2023-50868 weighted by cost):
 * 128 hashes at 150 iterations would be 19,328 rounds (~50 ms of CPU); 4096 rounds is ~10 ms, 27 hashes at 150
 * iterations (an honest NXDOMAIN needs 3) or the full 128 at up to 31. Zones at 0 iterations (RFC 9276 §3.1)
 * never come near it.
 */
export const MAX_NSEC3_HASH_ROUNDS = 4096;

export class WorkBudget {
  signatureChecks = 0;
  nsec3Hashes = 0;
  /** SHA-1 rounds those hashes cost (MAX_NSEC3_HASH_ROUNDS). */
  nsec3Rounds = 0;

  constructor(readonly limits: WorkLimits = DEFAULT_WORK_LIMITS) {}

  /** Reserves one signature check; false when the budget is spent. */
  takeSignatureCheck(): boolean {
    if (this.signatureChecks >= this.limits.maxSignatureChecks) return false;
    this.signatureChecks++;
    return true;
  }

  /** Reserves one NSEC3 hash computation of `iterations` extra rounds; false when the budget is spent. */
  takeNsec3Hash(iterations = 0): boolean {
    if (this.nsec3Hashes >= this.limits.maxNsec3Hashes || this.nsec3Rounds + iterations + 1 > MAX_NSEC3_HASH_ROUNDS) return false;
    this.nsec3Hashes++;
    this.nsec3Rounds += iterations + 1;
    return true;
  }
}
