/**
 * State kept across requests (resolver/state/): the key cache, the zone cut cache and the glueless NS address
 * cache, on the scripted network at a fixed date. Counted by the network's own query log, so a query the
 * resolver saves is a query no server saw.
 */
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../resolver/clock.js';
import { ExpiringLru } from '../../resolver/state/expiring-lru.js';
import { KeyCache } from '../../resolver/state/key-cache.js';
import { RCODE, T } from '../../resolver/wire/types.js';
import { secure, bogus } from '../../resolver/dnssec/verdict.js';
import { n } from '../support/signer.js';
import { buildHierarchy, NOW_MS, resolverFor } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';

describe('a zone already seen (infrastructure and key caches)', () => {
  it('a second name in a seen signed zone costs exactly one upstream query, still secure', async () => {
    const h = buildHierarchy(standardZones());
    const r = resolverFor(h);
    const first = await r.resolve(n('www.example.com'), T.A);
    expect(first.verdict.status, first.verdict.reason).toBe('secure');
    const before = h.net.count();
    const second = await r.resolve(n('ns1.example.com'), T.A);
    expect(second.verdict.status, second.verdict.reason).toBe('secure');
    expect(h.net.asked().slice(before)).toEqual(['ns1.example.com. A']);
    expect(second.stats?.upstreamQueries).toBe(1);
  });

  it('without QNAME minimisation a deeper name (TLSA owner) in a seen zone is one query too', async () => {
    const h = buildHierarchy(standardZones());
    const r = resolverFor(h, { qnameMinimisation: false });
    await r.resolve(n('www.example.com'), T.A);
    const before = h.net.count();
    const second = await r.resolveTLSA('www.example.com', 443);
    expect(second.verdict.status, second.verdict.reason).toBe('secure');
    expect(h.net.asked().slice(before)).toEqual(['_443._tcp.www.example.com. TLSA']);
  });

  it('a DNSKEY set is not fetched again within its TTL, and is after it', async () => {
    const h = buildHierarchy(standardZones());
    const r = resolverFor(h);
    await r.resolve(n('www.example.com'), T.A);
    await r.resolve(n('ns1.example.com'), T.A);
    await r.resolve(n('nothing.example.com'), T.A);
    expect(h.net.asked().filter((q) => q === 'example.com. DNSKEY')).toHaveLength(1);
    h.clock.advance(3601 * 1000); // past the 3600 s TTL of the DNSKEY RRset and of the referrals
    const again = await r.resolve(n('www.example.com'), T.A);
    expect(again.verdict.status, again.verdict.reason).toBe('secure');
    expect(h.net.asked().filter((q) => q === 'example.com. DNSKEY')).toHaveLength(2);
  });

  it('with QNAME minimisation, names the zone answered for are not probed again (RFC 9156 §2)', async () => {
    const h = buildHierarchy(standardZones());
    const r = resolverFor(h);
    await r.resolve(n('host.sub.ent.example.com'), T.A);
    const before = h.net.count();
    const second = await r.resolve(n('other.sub.ent.example.com'), T.A);
    expect(second.rcode).toBe(RCODE.NXDOMAIN);
    expect(second.verdict.status, second.verdict.reason).toBe('secure');
    // ent. and sub.ent.example.com. were answered (NODATA) by example.com.'s servers: no cut, ask the full name.
    expect(h.net.asked().slice(before)).toEqual(['other.sub.ent.example.com. A']);
    // A name beside them is still minimised below the zone: the server sees one label more first.
    await r.resolve(n('a.b.example.com'), T.A);
    expect(h.net.asked().slice(before + 1)[0]).toBe('b.example.com. A');
  });

  it('underscored labels (RFC 8552) and their host are not probed one by one: the TLSA owner goes out whole', async () => {
    const h = buildHierarchy(standardZones());
    const r = await resolverFor(h).resolveTLSA('www.example.com', 443);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const example = [...h.net.asked(ADDR.example1), ...h.net.asked(ADDR.example2)].filter((q) => !q.includes('DNSKEY'));
    expect(example).toEqual(['_443._tcp.www.example.com. TLSA']);
    // The zone above still sees only one label more than itself.
    expect(h.net.asked(ADDR.com).filter((q) => !q.includes('DNSKEY'))).toEqual(['example.com. A']);
  });

  it('a host that is a zone cut of its own: the parent gets the full TLSA owner and answers with a referral', async () => {
    const defs = standardZones();
    for (const d of defs) if (d.apex === 'example.com.') d.text += '_443._tcp 3600 TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n';
    const h = buildHierarchy(defs);
    const r = await resolverFor(h).resolveTLSA('example.com', 443);
    expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    expect(r.answer.some((rr) => rr.type === T.TLSA)).toBe(true);
    // The trade-off of not probing the host: com.'s server learns the underscored labels and the type.
    expect(h.net.asked(ADDR.com).filter((q) => !q.includes('DNSKEY'))).toEqual(['_443._tcp.example.com. TLSA']);
  });

  it('an insecure zone is remembered as insecure: one query, no DNSKEY', async () => {
    const h = buildHierarchy(standardZones());
    const r = resolverFor(h);
    await r.resolve(n('www.insecure.com'), T.A);
    const before = h.net.count();
    const second = await r.resolve(n('ns1.insecure.com'), T.A);
    expect(second.verdict.status).toBe('insecure');
    expect(h.net.asked().slice(before)).toEqual(['ns1.insecure.com. A']);
  });

  it('keys that failed are not kept: the next request checks them again (and fails again)', async () => {
    const h = buildHierarchy(standardZones());
    const r = resolverFor(h);
    expect((await r.resolve(n('www.wrongds.com'), T.A)).verdict.status).toBe('bogus');
    expect((await r.resolve(n('www.wrongds.com'), T.A)).verdict.status).toBe('bogus');
    expect(h.net.asked().filter((q) => q === 'wrongds.com. DNSKEY')).toHaveLength(2);
  });

  it('a glueless zone seen once needs no NS address lookup the second time', async () => {
    const h = buildHierarchy(standardZones());
    const r = resolverFor(h);
    const first = await r.resolve(n('www.glueless.com'), T.A);
    expect(first.rcode).toBe(RCODE.NOERROR);
    const before = h.net.count();
    const second = await r.resolve(n('glueless.com'), T.SOA);
    expect(second.rcode).toBe(RCODE.NOERROR);
    expect(h.net.asked().slice(before)).toEqual(['glueless.com. SOA']);
  });

  it('stores passed in are the ones used (shared between two resolvers)', async () => {
    const h = buildHierarchy(standardZones());
    const keys = new KeyCache(h.clock);
    await resolverFor(h, { stores: { keys } }).resolve(n('www.example.com'), T.A);
    expect(keys.get(n('example.com'))?.verdict.status).toBe('secure');
    const before = h.net.count();
    await resolverFor(h, { stores: { keys } }).resolve(n('www.example.com'), T.A);
    expect(h.net.asked().slice(before).filter((q) => q.endsWith('DNSKEY'))).toEqual([]);
    expect(h.net.count(ADDR.example1) + h.net.count(ADDR.example2)).toBeGreaterThan(0);
  });
});

describe('the bounded stores', () => {
  it('ExpiringLru drops entries past their TTL by the injected clock, and the least recent past its size', () => {
    const clock = new FixedClock(NOW_MS);
    const lru = new ExpiringLru<number>(2, clock);
    lru.set('a', 1, 10);
    lru.set('b', 2, 100);
    clock.advance(10_000);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.get('b')).toBe(2);
    lru.set('c', 3, 100);
    lru.set('d', 4, 100);
    expect(lru.size).toBe(2);
    expect(lru.get('b')).toBeUndefined();
    lru.set('z', 0, 0);
    expect(lru.get('z')).toBeUndefined();
  });

  it('KeyCache keeps secure sets only, for their validated TTL', () => {
    const clock = new FixedClock(NOW_MS);
    const cache = new KeyCache(clock);
    cache.put({ zone: n('a.example'), verdict: secure('ok'), keys: [], ttl: 60 });
    cache.put({ zone: n('b.example'), verdict: bogus('no'), keys: [], ttl: 60 });
    expect(cache.get(n('a.example'))).toBeDefined();
    expect(cache.get(n('b.example'))).toBeUndefined();
    clock.advance(60_000);
    expect(cache.get(n('a.example'))).toBeUndefined();
  });
});
