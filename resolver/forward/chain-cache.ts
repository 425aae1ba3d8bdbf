/**
 * Validated DNSKEY sets kept across requests by the forwarding resolver, as shared promises (two requests that
 * need the same zone at once fetch it once). Each entry lives for its DNSKEY TTL (capped), or briefly (badChainTtlS)
 * when the chain did not end secure; a fetch that failed (no upstream answered) is forgotten at once. Bounded by
 * count (least recently used dropped). The clock is injected.
 */
import { LRUCache } from 'lru-cache';
import type { Name } from '../wire/name.js';
import type { KeyStore } from '../dnssec/chain.js';
import type { ZoneKeys } from '../dnssec/zone-keys.js';
import type { Clock } from '../clock.js';
import { FORWARD_LIMITS } from './limits.js';

interface Entry {
  keys: Promise<ZoneKeys>;
  /** Set once the promise settled; until then the entry cannot expire. */
  untilMs: number;
}

export class ChainCache implements KeyStore {
  private readonly entries: LRUCache<string, Entry>;

  constructor(private readonly clock: Clock, private readonly limits = FORWARD_LIMITS) {
    this.entries = new LRUCache({ max: limits.chainCacheEntries });
  }

  get(zone: Name): Promise<ZoneKeys> | undefined {
    const e = this.entries.get(zone.key);
    if (!e) return undefined;
    if (e.untilMs <= this.clock.now()) {
      this.entries.delete(zone.key);
      return undefined;
    }
    return e.keys;
  }

  set(zone: Name, keys: Promise<ZoneKeys>): void {
    const entry: Entry = { keys, untilMs: Number.POSITIVE_INFINITY };
    this.entries.set(zone.key, entry);
    keys.then(
      (k) => {
        const ttlS = k.verdict.status === 'secure' ? Math.min(k.ttl, this.limits.maxChainTtlS) : this.limits.badChainTtlS;
        entry.untilMs = this.clock.now() + ttlS * 1000;
      },
      () => { if (this.entries.get(zone.key) === entry) this.entries.delete(zone.key); },
    );
  }
}
