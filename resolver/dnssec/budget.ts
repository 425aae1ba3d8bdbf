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

export class WorkBudget {
  signatureChecks = 0;
  nsec3Hashes = 0;

  constructor(readonly limits: WorkLimits = DEFAULT_WORK_LIMITS) {}

  /** Reserves one signature check; false when the budget is spent. */
  takeSignatureCheck(): boolean {
    if (this.signatureChecks >= this.limits.maxSignatureChecks) return false;
    this.signatureChecks++;
    return true;
  }

  /** Reserves one NSEC3 hash computation; false when the budget is spent. */
  takeNsec3Hash(): boolean {
    if (this.nsec3Hashes >= this.limits.maxNsec3Hashes) return false;
    this.nsec3Hashes++;
    return true;
  }
}
