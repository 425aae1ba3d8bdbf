/**
 * A size-bounded map whose entries also expire: lru-cache for the bound (least recently used goes first), an
 * expiry time checked against the injected clock on every read (no timers, no Date), so tests move time by
 * hand and a stale entry is never returned.
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';

interface Entry<V> {
  value: V;
  untilMs: number;
}

export class ExpiringLru<V> {
  private readonly lru: LRUCache<string, Entry<V>>;

  constructor(max: number, private readonly clock: Clock) {
    this.lru = new LRUCache<string, Entry<V>>({ max });
  }

  get(key: string): V | undefined {
    const e = this.lru.get(key);
    if (!e) return undefined;
    if (e.untilMs <= this.clock.now()) {
      this.lru.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Keeps `value` for `ttlSeconds` (nothing is kept for 0 or less). */
  set(key: string, value: V, ttlSeconds: number): void {
    if (!(ttlSeconds > 0)) return;
    this.lru.set(key, { value, untilMs: this.clock.now() + ttlSeconds * 1000 });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  get size(): number {
    return this.lru.size;
  }
}
