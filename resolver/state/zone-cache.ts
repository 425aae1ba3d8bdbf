/**
 * The infrastructure cache (Unbound's delegation cache + infra cache): zone cuts seen in referrals, with their
 * name servers, glue and DNSSEC state (RFC 4035 §5.2: the DS verdict of the cut — secure with its validated DS,
 * or proven insecure), kept until the referral's TTLs run out. A lookup for a name in a zone already seen starts
 * at that zone instead of the root. Bogus states are never kept: a broken chain is re-checked by the next
 * request rather than remembered (a forged referral must not poison later ones).
 */
import type { Clock } from '../clock.js';
import type { Name } from '../wire/name.js';
import type { ZoneState } from '../iterator/zone-state.js';
import { ExpiringLru } from './expiring-lru.js';

/** Zone cuts remembered across requests (each holds a few NS names, addresses and a DS set). */
export const ZONE_CACHE_MAX_ZONES = 10_000;
/** Longest a delegation is used without asking the parent again, whatever its TTLs say (1 day). */
export const ZONE_CACHE_MAX_TTL_S = 86_400;

export class ZoneCache {
  private readonly zones: ExpiringLru<ZoneState>;

  constructor(clock: Clock, max = ZONE_CACHE_MAX_ZONES) {
    this.zones = new ExpiringLru(max, clock);
  }

  /** The cached state of exactly `zone` (validated mode), or undefined. */
  get(zone: Name): ZoneState | undefined {
    return this.zones.get(zone.key);
  }

  /** Keeps a secure or insecure zone state for `ttlSeconds` (capped); bogus and unchecked states are not kept. */
  put(state: ZoneState, ttlSeconds: number): void {
    if (state.security !== 'secure' && state.security !== 'insecure') return;
    const servers = state.servers.map((s) => ({ ...s, addresses: [...s.addresses] }));
    this.zones.set(state.zone.key, { ...state, servers }, Math.min(ttlSeconds, ZONE_CACHE_MAX_TTL_S));
  }

  get size(): number {
    return this.zones.size;
  }
}

/** Names remembered as lying inside a zone, with no cut between (for skipping QNAME minimisation steps). */
export const INTERIOR_NAMES_MAX = 50_000;
/** Longest a name is remembered as inside its zone without being seen again (1 day). */
export const INTERIOR_NAMES_MAX_TTL_S = 86_400;

/**
 * Names a zone's servers answered for themselves (data, NODATA, CNAME — not a referral): there is no zone cut
 * between the zone and such a name. RFC 9156 §2 lets a resolver skip minimisation steps for what it already
 * knows; the server that answered for the name already saw it, so nothing is disclosed, and a cut that appears
 * later still answers with a referral, which is followed as usual.
 */
export class InteriorNames {
  private readonly names: ExpiringLru<string>;

  constructor(clock: Clock, max = INTERIOR_NAMES_MAX) {
    this.names = new ExpiringLru(max, clock);
  }

  /** Remembers that `name` is inside `zone` for `ttlSeconds` (capped). */
  mark(zone: Name, name: Name, ttlSeconds: number): void {
    if (!name.isStrictSubdomainOf(zone)) return;
    this.names.set(name.key, zone.key, Math.min(ttlSeconds, INTERIOR_NAMES_MAX_TTL_S));
  }

  /** Label count of the deepest ancestor-or-self of `qname` known to be inside `zone`; the zone's own when none. */
  deepest(zone: Name, qname: Name): number {
    for (let n = qname; n.isStrictSubdomainOf(zone); n = n.parent()) {
      if (this.names.get(n.key) === zone.key) return n.labelCount;
    }
    return zone.labelCount;
  }
}
