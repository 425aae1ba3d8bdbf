/**
 * Which cached RRset keys hold secure NSEC records, per signing zone: what RFC 8198 synthesis searches. The
 * records themselves live in the LRU (and may be evicted: a missing key is skipped). Bounded per zone and in
 * zones, the oldest dropped first.
 */
import type { Name } from '../resolver/wire/name.js';
import { MAX_NSEC_PER_ZONE } from './options.js';
import { nameKey } from './entries.js';

/** Zones whose NSEC keys are indexed at most (a flood of signed zones drops the oldest). */
export const MAX_NSEC_ZONES = 10_000;

export interface ZoneNsecs {
  zone: Name;
  /** NSEC owner key → RRset key, in insertion order. */
  keys: Map<string, string>;
}

export class NsecIndex {
  private readonly zones = new Map<string, ZoneNsecs>();

  add(zone: Name, owner: Name, rrsetKey: string): void {
    const zoneKey = nameKey(zone);
    const ownerKey = nameKey(owner);
    let z = this.zones.get(zoneKey);
    if (!z) {
      if (this.zones.size >= MAX_NSEC_ZONES) this.zones.delete(this.zones.keys().next().value!);
      z = { zone, keys: new Map() };
      this.zones.set(zoneKey, z);
    }
    z.keys.delete(ownerKey);
    z.keys.set(ownerKey, rrsetKey);
    if (z.keys.size > MAX_NSEC_PER_ZONE) z.keys.delete(z.keys.keys().next().value!);
  }

  /** Forgets an NSEC (its RRset left the cache), and the zone once it has none. */
  remove(zone: Name, owner: Name, rrsetKey: string): void {
    const zoneKey = nameKey(zone);
    const z = this.zones.get(zoneKey);
    const ownerKey = nameKey(owner);
    if (!z || z.keys.get(ownerKey) !== rrsetKey) return;
    z.keys.delete(ownerKey);
    if (z.keys.size === 0) this.zones.delete(zoneKey);
  }

  /** The deepest indexed zone at or above `name`. */
  closestZone(name: Name): ZoneNsecs | undefined {
    for (let n = name.labelCount; n >= 0; n--) {
      const z = this.zones.get(nameKey(name.suffix(n)));
      if (z) return z;
    }
    return undefined;
  }

  get size(): number {
    return this.zones.size;
  }
}
