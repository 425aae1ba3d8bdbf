import { describe, expect, it } from 'vitest';
import { ChainCache } from '../../resolver/forward/chain-cache.js';
import { FORWARD_LIMITS } from '../../resolver/forward/limits.js';
import { FixedClock } from '../../resolver/clock.js';
import { Name } from '../../resolver/wire/name.js';
import type { ZoneKeys } from '../../resolver/dnssec/zone-keys.js';

const zone = Name.parse('example.');
const keys = (status: 'secure' | 'bogus', ttl: number): ZoneKeys => ({ zone, verdict: { status, reason: 'test' }, keys: [], ttl });
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('chain cache across requests', () => {
  it('keeps a secure DNSKEY set for its TTL, capped at maxChainTtlS', async () => {
    const clock = new FixedClock(0);
    const cache = new ChainCache(clock);
    cache.set(zone, Promise.resolve(keys('secure', 300)));
    await settle();
    clock.advance(299_000);
    expect(cache.get(zone)).toBeDefined();
    clock.advance(1_000);
    expect(cache.get(zone)).toBeUndefined();
    cache.set(zone, Promise.resolve(keys('secure', 10 * FORWARD_LIMITS.maxChainTtlS)));
    await settle();
    clock.advance(FORWARD_LIMITS.maxChainTtlS * 1000);
    expect(cache.get(zone)).toBeUndefined();
  });

  it('keeps a bogus chain only badChainTtlS, and forgets a failed fetch at once', async () => {
    const clock = new FixedClock(0);
    const cache = new ChainCache(clock);
    cache.set(zone, Promise.resolve(keys('bogus', 3600)));
    await settle();
    clock.advance(FORWARD_LIMITS.badChainTtlS * 1000);
    expect(cache.get(zone)).toBeUndefined();
    const failed = Promise.reject(new Error('no upstream'));
    failed.catch(() => {});
    cache.set(zone, failed);
    expect(cache.get(zone)).toBe(failed); // shared while pending
    await settle();
    expect(cache.get(zone)).toBeUndefined();
  });
});
