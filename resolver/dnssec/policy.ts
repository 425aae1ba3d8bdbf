/** Validation policy: the knobs an operator may turn, with documented defaults. */
export interface ValidationPolicy {
  /**
   * Accept RSASHA1 / RSASHA1-NSEC3-SHA1 (algorithms 5, 7) and SHA-1 DS digests. RFC 8624 §3.1 still lists them
   * as MUST validate; an operator may turn them off, which makes such zones insecure (never bogus).
   */
  allowSha1: boolean;
  /** Seconds of clock skew tolerated on both ends of an RRSIG validity window. */
  clockSkewSeconds: number;
  /**
   * NSEC3 iteration cap (RFC 9276 §3.2). Above it a denial proof is treated as insecure with EDE 27.
   * 150 matches Unbound 1.17 and BIND 9.18's signer limit.
   */
  maxNsec3Iterations: number;
}

export const DEFAULT_POLICY: ValidationPolicy = {
  allowSha1: true,
  clockSkewSeconds: 0,
  maxNsec3Iterations: 150,
};
