/**
 * Keep-warm at a fixed date with manual timers: configured names and their chain (DS, DNSKEY up to the root)
 * are refreshed before expiry with no client asking; TLSA names asked repeatedly join and leave when idle.
 */
import { describe, expect, it } from 'vitest';
import { T } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { KEEP_WARM_IDLE_MS } from '../../cache/options.js';
import { cachedScenario } from './support.js';
import { standardZones } from '../scenario/zones.js';

describe('keep-warm', () => {
  it('a configured host:port is fetched at start with its zone chain, then refreshed before expiry with nobody asking', async () => {
    const c = cachedScenario({ keepWarm: ['www.example.com:443'], prefetchShare: 0.1 });
    c.cache.start();
    await c.timers.advance(0);
    const asked = c.h.net.log.map((q) => `${q.qname} ${q.qtype}`);
    expect(asked).toContain('_443._tcp.www.example.com. TLSA');
    // Chain: example.com. DNSKEY + DS (at com.), com. DNSKEY + DS (at the root), the root DNSKEY.
    for (const want of ['example.com. DS', 'com. DS']) expect(asked).toContain(want);
    for (const [name, type] of [['example.com.', T.DNSKEY], ['example.com.', T.DS], ['com.', T.DNSKEY], ['com.', T.DS], ['.', T.DNSKEY]] as const) {
      expect(c.cache.store.lookup(n(name), type, c.h.clock.now()), `${name} ${type} cached`).toBeDefined();
    }
    const refreshes = c.cache.stats().keepWarmRefreshes;
    expect(refreshes).toBe(6);
    const before = c.upstream();
    // The shortest lifetime in the chain is 3600 s: refresh 10 % before it, with no client query.
    await c.timers.advance(3200_000);
    expect(c.upstream()).toBe(before);
    await c.timers.advance(100_000);
    expect(c.upstream()).toBeGreaterThan(before);
    expect(c.cache.stats().keepWarmRefreshes).toBe(2 * refreshes);
    // A client asking after the original TTL would have run out is answered from the cache.
    await c.timers.advance(400_000);
    const sent = c.upstream();
    const r = await c.cache.resolveTLSA('www.example.com', 443);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(c.upstream()).toBe(sent);
    expect(c.cache.stats().misses).toBe(0);
    await c.cache.close();
    expect(c.timers.size).toBe(0);
  });

  it('zones shared by several warm names are refreshed once per lifetime, not once per name', async () => {
    // A second TLSA RRset in example.com.: both names share the whole chain.
    const zones = standardZones().map((z) => (z.apex === 'example.com.' ? { ...z, text: `${z.text}_25._tcp.www TLSA 3 1 1 ${'ab'.repeat(32)}\n` } : z));
    const c = cachedScenario({ keepWarm: ['www.example.com:443', 'www.example.com:25'] }, zones);
    c.cache.start();
    await c.timers.advance(0);
    const first = c.cache.stats().keepWarmRefreshes;
    await c.timers.advance(3300_000);
    // Second cycle: both TLSA RRsets, and the chain (example.com., com., the root) once.
    expect(c.cache.stats().keepWarmRefreshes - first).toBe(2 + 5);
  });

  it('a TLSA name asked learn-min-queries times joins; it leaves after KEEP_WARM_IDLE_MS without questions', async () => {
    const c = cachedScenario({ learnMinQueries: 3, learnMax: 1 });
    const owner = n('_443._tcp.www.example.com');
    for (let i = 0; i < 2; i++) await c.cache.resolve(owner, T.TLSA);
    expect(c.cache.keepWarm.size).toBe(0);
    await c.cache.resolve(owner, T.TLSA);
    expect(c.cache.keepWarm.names()).toEqual(['_443._tcp.www.example.com.']);
    // learn-max 1: another name cannot join.
    for (let i = 0; i < 3; i++) await c.cache.resolve(n('_25._tcp.www.example.com'), T.TLSA);
    expect(c.cache.keepWarm.size).toBe(1);
    await c.timers.advance(1_000);
    expect(c.cache.stats().keepWarmRefreshes).toBeGreaterThan(0);
    // Nobody asks again: after the idle time the next refresh drops it.
    await c.timers.advance(KEEP_WARM_IDLE_MS + 3600_000);
    expect(c.cache.keepWarm.size).toBe(0);
    expect(c.timers.size).toBe(0);
  });

  it('a failed refresh is retried and the data kept meanwhile', async () => {
    const c = cachedScenario({ keepWarm: ['_443._tcp.www.example.com'] });
    c.cache.start();
    await c.timers.advance(0);
    c.h.net.setBehaviour('192.0.2.20', 'servfail');
    c.h.net.setBehaviour('192.0.2.21', 'servfail');
    await c.timers.advance(3300_000);
    const r = await c.cache.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    expect(r.verdict.status).toBe('secure');
    expect(c.timers.size).toBe(1);
  });
});
