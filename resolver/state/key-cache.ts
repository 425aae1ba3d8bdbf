/**
 * The key cache (Unbound val_kcache.c): authenticated DNSKEY RRsets per zone, shared by every request until the
 * TTL the validator gave them runs out (RFC 4035 §5.3.3: the RRset TTL, the RRSIG Original TTL and the time left
 * before the signature expires, whichever is lowest). Only secure sets are shared: a set that failed may have
 * failed for one request's reasons (its work budget, a forged reply), and a later request must try afresh.
 */
import type { Clock } from '../clock.js';
import type { Name } from '../wire/name.js';
import type { KeyStore } from '../dnssec/chain.js';
import type { ZoneKeys } from '../dnssec/zone-keys.js';
import { ExpiringLru } from './expiring-lru.js';

/** Zones whose validated DNSKEY sets are kept across requests (a DNSKEY set is a few kB at most). */
export const KEY_CACHE_MAX_ZONES = 10_000;
/** Longest a DNSKEY set is trusted without asking again, whatever its TTL says (Unbound cache-max-ttl: 1 day). */
export const KEY_CACHE_MAX_TTL_S = 86_400;

export class KeyCache {
  private readonly zones: ExpiringLru<ZoneKeys>;

  constructor(clock: Clock, max = KEY_CACHE_MAX_ZONES) {
    this.zones = new ExpiringLru(max, clock);
  }

  get(zone: Name): ZoneKeys | undefined {
    return this.zones.get(zone.key);
  }

  /** Keeps a secure key set for its validated TTL; anything else is not kept (and drops an older entry). */
  put(keys: ZoneKeys): void {
    if (keys.verdict.status !== 'secure') { this.zones.delete(keys.zone.key); return; }
    this.zones.set(keys.zone.key, keys, Math.min(keys.ttl, KEY_CACHE_MAX_TTL_S));
  }

  get size(): number {
    return this.zones.size;
  }
}

/**
 * One request's view of the keys: its own in-flight promises first (so two validations in one request share a
 * fetch), then the shared cache. A set the request validates is offered to the shared cache once settled.
 */
export class CachedKeyStore implements KeyStore {
  private readonly mine = new Map<string, Promise<ZoneKeys>>();

  constructor(private readonly shared: KeyCache) {}

  get(zone: Name): Promise<ZoneKeys> | undefined {
    const own = this.mine.get(zone.key);
    if (own) return own;
    const cached = this.shared.get(zone);
    return cached ? Promise.resolve(cached) : undefined;
  }

  set(zone: Name, keys: Promise<ZoneKeys>): void {
    this.mine.set(zone.key, keys);
    keys.then((k) => this.shared.put(k), () => undefined);
  }
}
