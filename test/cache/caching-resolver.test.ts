/**
 * The cache over the real iterative resolver on the scripted network (test/scenario), at a fixed date: what is
 * sent upstream is counted exactly, time moves only when the test moves it.
 */
import { describe, expect, it } from 'vitest';
import { RCODE, T } from '../../resolver/wire/types.js';
import { EDE } from '../../resolver/dnssec/verdict.js';
import { n } from '../support/signer.js';
import { ADDR, standardZones } from '../scenario/zones.js';
import { cachedScenario, lines } from './support.js';

describe('answers from the cache', () => {
  it('a second identical question sends nothing upstream and carries decremented TTLs (RFC 1035 §3.2.1)', async () => {
    const { cache, h, upstream } = cachedScenario();
    const first = await cache.resolve(n('www.example.com'), T.A);
    expect(first.verdict.status, first.verdict.reason).toBe('secure');
    const sent = upstream();
    expect(sent).toBeGreaterThan(0);
    h.clock.advance(100_500);
    const second = await cache.resolve(n('WWW.Example.com'), T.A);
    expect(upstream()).toBe(sent);
    expect(second.verdict).toEqual(first.verdict);
    // 100.5 s elapsed: the TTL is counted down by whole seconds, as the wire fast path does.
    expect(lines(second.answer)).toEqual(['www.example.com. 1 3500', 'www.example.com. 46 3500']);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });

  it('a CNAME chain across zones is composed of the chain RRsets, each with its own TTL', async () => {
    const { cache, upstream } = cachedScenario();
    const first = await cache.resolve(n('alias.example.com'), T.A);
    expect(first.verdict.status, first.verdict.reason).toBe('secure');
    const sent = upstream();
    const second = await cache.resolve(n('alias.example.com'), T.A);
    expect(upstream()).toBe(sent);
    expect(second.answer.map((r) => `${r.name} ${r.type}`)).toEqual(first.answer.map((r) => `${r.name} ${r.type}`));
    // The chain's target RRset is shared: asking it directly reuses nothing but its own answer entry.
    expect(second.answer.filter((r) => r.type === T.CNAME)).toHaveLength(1);
  });

  it('expires at the TTL: the next question goes upstream again', async () => {
    const { cache, h, upstream } = cachedScenario();
    await cache.resolve(n('www.example.com'), T.A);
    const sent = upstream();
    h.clock.advance(3600_000);
    await cache.resolve(n('www.example.com'), T.A);
    expect(upstream()).toBeGreaterThan(sent);
  });

  it('--cache-max-ttl caps the TTL kept and served; --cache-min-ttl raises it', async () => {
    const capped = cachedScenario({ maxTtlS: 60 });
    await capped.cache.resolve(n('www.example.com'), T.A);
    const r = await capped.cache.resolve(n('www.example.com'), T.A);
    expect(r.answer.every((x) => x.ttl === 60)).toBe(true);
    const raised = cachedScenario({ minTtlS: 300, maxTtlS: 600 });
    await raised.cache.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    const t = await raised.cache.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    expect(t.answer.every((x) => x.ttl === 600)).toBe(true);
  });

  it('identical questions in flight are joined: one upstream resolution', async () => {
    const { cache, h, upstream } = cachedScenario();
    const alone = cachedScenario();
    await alone.cache.resolve(n('www.example.com'), T.A);
    const [a, b] = await Promise.all([cache.resolve(n('www.example.com'), T.A), cache.resolve(n('www.example.com'), T.A)]);
    expect([lines(a.answer), a.verdict]).toEqual([lines(b.answer), b.verdict]);
    expect(upstream()).toBe(alone.upstream());
    expect(h.net.log.length).toBe(alone.h.net.log.length);
  });
});

describe('negative caching (RFC 2308) and NSEC synthesis (RFC 8198)', () => {
  it('NXDOMAIN is cached for min(SOA TTL, SOA MINIMUM) and answers any type at that name', async () => {
    const { cache, h, upstream } = cachedScenario();
    const first = await cache.resolve(n('nope.example.com'), T.A);
    expect([first.rcode, first.verdict.status]).toEqual([RCODE.NXDOMAIN, 'secure']);
    const sent = upstream();
    h.clock.advance(10_000);
    const again = await cache.resolve(n('nope.example.com'), T.TLSA);
    expect(upstream()).toBe(sent);
    expect(again.rcode).toBe(RCODE.NXDOMAIN);
    // SOA MINIMUM is 300 s: 290 s left, on the SOA and the proofs.
    expect(again.authority.every((r) => r.ttl === 290)).toBe(true);
    h.clock.advance(291_000);
    await cache.resolve(n('nope.example.com'), T.A);
    expect(upstream()).toBeGreaterThan(sent);
  });

  it('NODATA is cached per question with its proof', async () => {
    const { cache, upstream } = cachedScenario();
    const first = await cache.resolve(n('www.example.com'), T.TXT);
    expect([first.rcode, first.answer.length, first.verdict.status]).toEqual([RCODE.NOERROR, 0, 'secure']);
    const sent = upstream();
    const again = await cache.resolve(n('www.example.com'), T.TXT);
    expect(upstream()).toBe(sent);
    expect(again.authority.some((r) => r.type === T.NSEC)).toBe(true);
  });

  it('a name covered by a cached secure NSEC is denied without asking upstream (RFC 8198 §5.1)', async () => {
    const { cache, upstream } = cachedScenario();
    // nope.example.com. is covered by the NSEC ns2 -> old; npz. and nq. sort inside that span too.
    const first = await cache.resolve(n('nope.example.com'), T.A);
    const cover = first.authority.find((r) => r.type === T.NSEC && r.name.toString() !== 'example.com.');
    expect(cover?.name.toString()).toBeDefined();
    const sent = upstream();
    const synthesised = await cache.resolve(n('nq.example.com'), T.TLSA);
    expect(upstream()).toBe(sent);
    expect([synthesised.rcode, synthesised.verdict.status, synthesised.verdict.id]).toEqual([RCODE.NXDOMAIN, 'secure', 'AC01']);
    expect(synthesised.authority.some((r) => r.type === T.SOA)).toBe(true);
    expect(cache.stats().aggressiveHits).toBe(1);
  });

  it('synthesises NODATA from a cached NSEC at the name (its bitmap lacks the type)', async () => {
    const { cache, upstream } = cachedScenario();
    await cache.resolve(n('www.example.com'), T.TXT);
    const sent = upstream();
    const r = await cache.resolve(n('www.example.com'), T.MX);
    expect(upstream()).toBe(sent);
    expect([r.rcode, r.answer.length, r.verdict.status]).toEqual([RCODE.NOERROR, 0, 'secure']);
  });

  it('does not synthesise where the cached NSECs prove nothing: a name that exists, another span', async () => {
    const { cache, upstream } = cachedScenario();
    await cache.resolve(n('nope.example.com'), T.A);
    const sent = upstream();
    const r = await cache.resolve(n('www.example.com'), T.A);
    expect(r.answer.length).toBeGreaterThan(0);
    expect(upstream()).toBeGreaterThan(sent);
  });

  it('synthesises from cached NSEC3 spans with 0 iterations (RFC 8198 §4, RFC 9276 §3.1)', async () => {
    const { cache, upstream } = cachedScenario();
    // example.net. is NSEC3 (0 iterations, salt ab12): each NXDOMAIN brings the spans covering its hashes;
    // as they accumulate, later names fall in spans already held and are denied without asking.
    const synthesisedNames: string[] = [];
    for (let i = 0; i < 16; i++) {
      const before = upstream();
      const r = await cache.resolve(n(`absent${i}.example.net`), T.A);
      expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NXDOMAIN, 'secure']);
      if (upstream() === before) {
        synthesisedNames.push(`absent${i}`);
        expect(r.verdict.id).toBe('AC01');
        expect(r.authority.filter((x) => x.type === T.NSEC3).length).toBeGreaterThanOrEqual(2);
      }
    }
    expect(synthesisedNames.length).toBeGreaterThan(0);
    expect(cache.stats().aggressiveHits).toBe(synthesisedNames.length);
  });

  it('synthesises from NSEC3 spans with extra iterations the validator accepts (RFC 9276 §3.2)', async () => {
    const zones = standardZones().map((z) => (z.apex === 'example.net.' ? { ...z, nsec3: { iterations: 5, salt: 'ab12' } } : z));
    const { cache, upstream } = cachedScenario({}, zones);
    let synthesised = 0;
    for (let i = 0; i < 16; i++) {
      const before = upstream();
      const r = await cache.resolve(n(`absent${i}.example.net`), T.A);
      expect([r.rcode, r.verdict.status], r.verdict.reason).toEqual([RCODE.NXDOMAIN, 'secure']);
      if (upstream() === before) synthesised++;
    }
    expect(synthesised).toBeGreaterThan(0);
  });

  it('answers other names a cached wildcard matches, with the proof that they do not exist (RFC 8198 §5.3)', async () => {
    const { cache, upstream } = cachedScenario();
    const first = await cache.resolve(n('a.wild.example.com'), T.A);
    expect([first.rcode, first.verdict.status], first.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    const sent = upstream();
    const r = await cache.resolve(n('b.wild.example.com'), T.A);
    expect(upstream()).toBe(sent);
    expect([r.rcode, r.verdict.status, r.verdict.id]).toEqual([RCODE.NOERROR, 'secure', 'AC02']);
    expect(r.answer.map((x) => `${x.name} ${x.type}`)).toEqual(['b.wild.example.com. 1', 'b.wild.example.com. 46']);
    expect(r.authority.some((x) => x.type === T.NSEC)).toBe(true);
    // A name below another existing name is not the wildcard's: the closest encloser differs (RFC 4592 §3.3.1).
    await cache.resolve(n('x.host.sub.ent.example.com'), T.A);
    expect(upstream()).toBeGreaterThan(sent);
    // A type the wildcard does not hold is asked upstream (or denied by NSEC synthesis), never made up.
    const aaaa = await cache.resolve(n('c.wild.example.com'), T.AAAA);
    expect(aaaa.answer.filter((x) => x.type === T.AAAA)).toHaveLength(0);
  });

  it('follows a CNAME from a cached wildcard to a target held as an RRset of another answer', async () => {
    const zones = standardZones().map((z) => (z.apex === 'example.com.' ? { ...z, text: `${z.text}*.walias CNAME www.example.net.\n` } : z));
    const { cache, upstream } = cachedScenario({}, zones);
    const first = await cache.resolve(n('a.walias.example.com'), T.A);
    expect([first.rcode, first.verdict.status], first.verdict.reason).toEqual([RCODE.NOERROR, 'secure']);
    const sent = upstream();
    const r = await cache.resolve(n('b.walias.example.com'), T.A);
    expect(upstream()).toBe(sent);
    expect([r.rcode, r.verdict.status]).toEqual([RCODE.NOERROR, 'secure']);
    expect(r.answer.filter((x) => x.type !== T.RRSIG).map((x) => `${x.name} ${x.type}`)).toEqual(['b.walias.example.com. 5', 'www.example.net. 1']);
    // The target's RRset answers its own question too: it was validated in the answer section.
    const target = await cache.resolve(n('www.example.net'), T.A);
    expect([target.rcode, target.verdict.status, upstream()]).toEqual([RCODE.NOERROR, 'secure', sent]);
  });

  it('insecure negative answers are cached per question but never used for synthesis', async () => {
    const { cache, upstream } = cachedScenario();
    const r = await cache.resolve(n('nope.insecure.com'), T.A);
    expect([r.rcode, r.verdict.status]).toEqual([RCODE.NXDOMAIN, 'insecure']);
    const sent = upstream();
    await cache.resolve(n('nope.insecure.com'), T.A);
    expect(upstream()).toBe(sent);
    await cache.resolve(n('nopf.insecure.com'), T.A);
    expect(upstream()).toBeGreaterThan(sent);
  });
});

describe('bad cache (RFC 4035 §4.7)', () => {
  it('a bogus answer is not re-validated within --bad-cache-ttl, and is after it', async () => {
    const { cache, h, upstream } = cachedScenario({ badTtlS: 30 });
    const first = await cache.resolve(n('www.broken.com'), T.A);
    expect([first.rcode, first.verdict.status]).toEqual([RCODE.SERVFAIL, 'bogus']);
    const sent = upstream();
    h.clock.advance(29_000);
    const again = await cache.resolve(n('www.broken.com'), T.A);
    expect(upstream()).toBe(sent);
    expect(again.verdict).toEqual(first.verdict);
    expect(cache.stats().badHits).toBe(1);
    h.clock.advance(2_000);
    await cache.resolve(n('www.broken.com'), T.A);
    expect(upstream()).toBeGreaterThan(sent);
  });

  it('CD=1 questions bypass the bad cache and are not stored (RFC 4035 §3.2.2)', async () => {
    const { cache, upstream } = cachedScenario();
    await cache.resolve(n('www.broken.com'), T.A);
    const sent = upstream();
    const cd = await cache.resolve(n('www.broken.com'), T.A, { cd: true });
    expect(upstream()).toBeGreaterThan(sent);
    expect(cd.answer.length).toBeGreaterThan(0);
    const after = upstream();
    await cache.resolve(n('www.broken.com'), T.A, { cd: true });
    expect(upstream()).toBeGreaterThan(after);
  });
});

describe('failure cache (RFC 9520 §3.2)', () => {
  it('a resolution failure is remembered 5 s, then twice as long at each consecutive failure; an answer resets it', async () => {
    const { cache, h, upstream } = cachedScenario();
    await cache.resolve(n('ns1.example.com'), T.A); // the zone's servers are known: what follows only asks them
    for (const a of [ADDR.example1, ADDR.example2]) h.net.setBehaviour(a, 'servfail');
    const first = await cache.resolve(n('www.example.com'), T.A);
    expect([first.rcode, first.verdict.status]).toEqual([RCODE.SERVFAIL, 'indeterminate']);
    let sent = upstream();
    h.clock.advance(4_900);
    const remembered = await cache.resolve(n('www.example.com'), T.A);
    expect([remembered.rcode, upstream(), cache.stats().failureHits]).toEqual([RCODE.SERVFAIL, sent, 1]);
    expect(remembered.verdict).toEqual(first.verdict);
    h.clock.advance(200); // 5.1 s: asked again, fails again, now remembered 10 s
    await cache.resolve(n('www.example.com'), T.A);
    expect(upstream()).toBeGreaterThan(sent);
    sent = upstream();
    h.clock.advance(9_900);
    await cache.resolve(n('www.example.com'), T.A);
    expect(upstream()).toBe(sent);
    for (const a of [ADDR.example1, ADDR.example2]) h.net.setBehaviour(a, 'normal');
    h.clock.advance(200);
    const back = await cache.resolve(n('www.example.com'), T.A);
    expect([back.rcode, back.verdict.status]).toEqual([RCODE.NOERROR, 'secure']);
  });

  it('while a failed question is retried, other clients get the last failure at once instead of waiting', async () => {
    const { cache, h } = cachedScenario();
    await cache.resolve(n('ns1.example.com'), T.A);
    for (const a of [ADDR.example1, ADDR.example2]) h.net.setBehaviour(a, 'servfail');
    await cache.resolve(n('www.example.com'), T.A);
    h.clock.advance(5_100); // remembered no longer: the next question retries
    const done: string[] = [];
    const retry = cache.resolve(n('www.example.com'), T.A).then((r) => { done.push('retry'); return r; });
    const meanwhile = cache.resolve(n('www.example.com'), T.A).then((r) => { done.push('meanwhile'); return r; });
    const [a, b] = await Promise.all([retry, meanwhile]);
    expect([a.rcode, b.rcode]).toEqual([RCODE.SERVFAIL, RCODE.SERVFAIL]);
    expect(done).toEqual(['meanwhile', 'retry']);
    expect(cache.stats().failureHits).toBe(1);
  });

  it('a failed refresh does not hide data that is still fresh', async () => {
    const { cache, h } = cachedScenario();
    await cache.resolve(n('www.example.com'), T.A);
    for (const a of [ADDR.example1, ADDR.example2]) h.net.setBehaviour(a, 'servfail');
    h.clock.advance(3_300_000); // within the prefetch share of the 3600 s TTL: served, and refreshed in the background
    await cache.resolve(n('www.example.com'), T.A);
    await new Promise((r) => setTimeout(r, 10)); // the refresh fails
    const r = await cache.resolve(n('www.example.com'), T.A);
    expect([r.rcode, r.verdict.status]).toEqual([RCODE.NOERROR, 'secure']);
  });
});

describe('data that turned bogus', () => {
  it('is not served again from its RRset once the bad-cache entry has expired', async () => {
    const { cache, h } = cachedScenario({ badTtlS: 30 });
    await cache.resolve(n('www.example.com'), T.A);
    // From now on the zone's servers return www's A altered after signing: its RRSIG no longer verifies.
    for (const a of [ADDR.example1, ADDR.example2]) {
      h.net.setTamper(a, (reply) => ({ ...reply, answer: reply.answer.map((rr) => (rr.type === T.A ? { ...rr, rdata: Uint8Array.from([192, 0, 2, 66]) } : rr)) }));
    }
    h.clock.advance(3_300_000); // near expiry: served, and the background refresh comes back bogus
    expect((await cache.resolve(n('www.example.com'), T.A)).verdict.status).toBe('secure');
    await new Promise((r) => setTimeout(r, 10));
    h.clock.advance(31_000); // past the bad cache, well within the old RRset's TTL
    const r = await cache.resolve(n('www.example.com'), T.A);
    expect([r.rcode, r.verdict.status]).toEqual([RCODE.SERVFAIL, 'bogus']);
  });
});

describe('serve-stale (RFC 8767)', () => {
  it('off by default: an expired name whose servers fail is SERVFAIL', async () => {
    const { cache, h } = cachedScenario();
    await cache.resolve(n('www.example.com'), T.A);
    h.clock.advance(3601_000);
    h.net.setBehaviour(ADDR.example1, 'servfail');
    h.net.setBehaviour(ADDR.example2, 'servfail');
    const r = await cache.resolve(n('www.example.com'), T.A);
    expect(r.rcode).toBe(RCODE.SERVFAIL);
  });

  it('on: a failed refresh is answered from expired data within the window, with EDE 3 and TTL 30', async () => {
    const { cache, h } = cachedScenario({ serveStale: true, staleWindowS: 600 });
    await cache.resolve(n('www.example.com'), T.A);
    h.clock.advance(3700_000);
    h.net.setBehaviour(ADDR.example1, 'servfail');
    h.net.setBehaviour(ADDR.example2, 'servfail');
    const r = await cache.resolve(n('www.example.com'), T.A);
    expect([r.rcode, r.verdict.status, r.verdict.ede]).toEqual([RCODE.NOERROR, 'secure', EDE.STALE_ANSWER]);
    expect(r.answer.every((x) => x.ttl === 30)).toBe(true);
    expect(cache.stats().staleAnswers).toBe(1);
    h.clock.advance(600_000); // past the window
    const late = await cache.resolve(n('www.example.com'), T.A);
    expect(late.rcode).toBe(RCODE.SERVFAIL);
  });
});

describe('prefetch', () => {
  it('an answer served with less than prefetch-share of its TTL left is refreshed in the background', async () => {
    const { cache, h, upstream, timers } = cachedScenario({ prefetchShare: 0.1 });
    await cache.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    const sent = upstream();
    h.clock.advance(3000_000); // 600 s of 3600 left: more than 10 %
    await cache.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    expect([upstream(), cache.stats().prefetches]).toEqual([sent, 0]);
    h.clock.advance(300_000); // 300 s left: less than 10 %
    const served = await cache.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    // The client got the cached answer (TTL 300) at once; the refresh runs after.
    expect(served.answer.every((x) => x.ttl === 300)).toBe(true);
    expect(cache.stats().prefetches).toBe(1);
    await timers.advance(0);
    expect(upstream()).toBeGreaterThan(sent);
    const fresh = await cache.resolve(n('_443._tcp.www.example.com'), T.TLSA);
    expect(fresh.answer.every((x) => x.ttl === 3600)).toBe(true);
  });

  it('a refresh already in flight is joined, not repeated', async () => {
    const { cache, h, timers } = cachedScenario({ prefetchShare: 0.5 });
    await cache.resolve(n('www.example.com'), T.A);
    h.clock.advance(2000_000);
    await Promise.all([cache.resolve(n('www.example.com'), T.A), cache.resolve(n('www.example.com'), T.A)]);
    await timers.advance(0);
    expect(cache.stats().prefetches).toBe(1);
  });
});
