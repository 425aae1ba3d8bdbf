/**
 * What the resolver knows about one zone while a request walks down to it: its servers and its DNSSEC state
 * (RFC 4035 §5: a chain of trust from an anchor through DS -> DNSKEY at every cut). Pure bookkeeping; the driver
 * fills in keys it fetched.
 */
import type { Name } from '../wire/name.js';
import { T, type RR } from '../wire/types.js';
import { insecure, type Status, type Verdict } from '../dnssec/verdict.js';
import type { NameServer } from './referral.js';

/**
 * secure: keys must be fetched and validated against `ds` or `anchors`; insecure: proven unsigned (or no anchor
 * above it), nothing below is validated; bogus: the chain is broken, every answer below is bogus;
 * unchecked: CD=1 asked for no validation.
 */
export type ZoneSecurity = 'secure' | 'insecure' | 'bogus' | 'unchecked';

export interface ZoneState {
  zone: Name;
  servers: NameServer[];
  security: ZoneSecurity;
  /** The verdict that set `security` (delegation proof, anchor found, or the break). */
  verdict: Verdict;
  /** DS RRset (with RRSIGs) from a secure parent referral. */
  ds?: RR[];
  /** Configured trust anchors whose owner is this zone. */
  anchors?: RR[];
}

/** Anchors (DS or DNSKEY) configured for exactly `zone`. */
export function anchorsFor(anchors: readonly RR[], zone: Name): RR[] {
  return anchors.filter((rr) => (rr.type === T.DS || rr.type === T.DNSKEY) && rr.name.equals(zone));
}

/** The state of the root (or any zone entered first): secure only when an anchor is configured for it. */
export function initialState(zone: Name, servers: NameServer[], anchors: readonly RR[], cd: boolean): ZoneState {
  if (cd) return { zone, servers, security: 'unchecked', verdict: insecure('checking disabled (CD=1): not validated') };
  const own = anchorsFor(anchors, zone);
  if (own.length > 0) return { zone, servers, security: 'secure', verdict: { status: 'secure', reason: `trust anchor for ${zone}` }, anchors: own };
  // RFC 4035 §4.3: with no trust anchor above a name, its data can only be insecure.
  return { zone, servers, security: 'insecure', verdict: insecure(`no trust anchor covers ${zone}`) };
}

/** Order of strength for combining the verdicts of a CNAME chain: the weakest link decides. */
const WEAKNESS: Record<Status, number> = { secure: 0, insecure: 1, indeterminate: 2, bogus: 3 };

/** The weakest of several verdicts (bogus > indeterminate > insecure > secure); the first one on a tie. */
export function weakest(verdicts: readonly Verdict[]): Verdict {
  let worst = verdicts[0]!;
  for (const v of verdicts) if (WEAKNESS[v.status] > WEAKNESS[worst.status]) worst = v;
  return worst;
}
