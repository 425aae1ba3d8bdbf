/**
 * Validation outcomes (RFC 4035 §4.3): secure, insecure, bogus, indeterminate — never a bare boolean.
 * Each carries a reason for humans and, where one fits, an Extended DNS Error code (RFC 8914 §4).
 */
export type Status = 'secure' | 'insecure' | 'bogus' | 'indeterminate';

/** Extended DNS Error info codes (RFC 8914 §4, IANA registry). */
export const EDE = {
  OTHER: 0,
  UNSUPPORTED_DNSKEY_ALGORITHM: 1,
  UNSUPPORTED_DS_DIGEST_TYPE: 2,
  STALE_ANSWER: 3,
  FORGED_ANSWER: 4,
  DNSSEC_INDETERMINATE: 5,
  DNSSEC_BOGUS: 6,
  SIGNATURE_EXPIRED: 7,
  SIGNATURE_NOT_YET_VALID: 8,
  DNSKEY_MISSING: 9,
  RRSIGS_MISSING: 10,
  NO_ZONE_KEY_BIT_SET: 11,
  NSEC_MISSING: 12,
  CACHED_ERROR: 13,
  NOT_READY: 14,
  BLOCKED: 15,
  CENSORED: 16,
  FILTERED: 17,
  PROHIBITED: 18,
  STALE_NXDOMAIN_ANSWER: 19,
  NOT_AUTHORITATIVE: 20,
  NOT_SUPPORTED: 21,
  NO_REACHABLE_AUTHORITY: 22,
  NETWORK_ERROR: 23,
  INVALID_DATA: 24,
  SIGNATURE_EXPIRED_BEFORE_VALID: 25,
  TOO_EARLY: 26,
  UNSUPPORTED_NSEC3_ITERATIONS: 27,
} as const;

export type EdeCode = (typeof EDE)[keyof typeof EDE];

/** A verdict: status, why, the EDE code that fits (if any), and a short id of the check that decided it. */
export interface Verdict {
  status: Status;
  reason: string;
  ede?: number;
  /** Stable identifier of the failing/deciding check site, shown in logs and EDE text (Knot Resolver style). */
  id?: string;
}

export function secure(reason: string, id?: string): Verdict {
  return id === undefined ? { status: 'secure', reason } : { status: 'secure', reason, id };
}

export function insecure(reason: string, ede?: number, id?: string): Verdict {
  return withOptional({ status: 'insecure', reason }, ede, id);
}

export function bogus(reason: string, ede: number = EDE.DNSSEC_BOGUS, id?: string): Verdict {
  return withOptional({ status: 'bogus', reason }, ede, id);
}

export function indeterminate(reason: string, ede: number = EDE.DNSSEC_INDETERMINATE, id?: string): Verdict {
  return withOptional({ status: 'indeterminate', reason }, ede, id);
}

function withOptional(v: Verdict, ede: number | undefined, id: string | undefined): Verdict {
  if (ede !== undefined) v.ede = ede;
  if (id !== undefined) v.id = id;
  return v;
}
