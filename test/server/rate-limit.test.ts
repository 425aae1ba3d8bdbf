import { describe, expect, it } from 'vitest';
import { RateLimiter, RATE_LIMIT_SLIP } from '../../server/rate-limit.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

describe('RateLimiter: a token bucket per client', () => {
  it('lets a burst through, then limits to qps; UDP drops with every 2nd a TC reply, TCP is refused', () => {
    const c = clock();
    const rl = new RateLimiter({ qps: 2, burst: 3 }, c.now);
    expect([1, 2, 3].map(() => rl.check('192.0.2.1', 'udp'))).toEqual(['pass', 'pass', 'pass']);
    expect(RATE_LIMIT_SLIP).toBe(2);
    expect([1, 2, 3, 4].map(() => rl.check('192.0.2.1', 'udp'))).toEqual(['drop', 'truncate', 'drop', 'truncate']);
    expect(rl.check('192.0.2.1', 'tcp')).toBe('refuse');
    c.advance(500); // half a second at 2 qps: one token
    expect(rl.check('192.0.2.1', 'udp')).toBe('pass');
    expect(rl.check('192.0.2.1', 'udp')).not.toBe('pass');
    c.advance(60_000); // refills only up to the burst
    expect([1, 2, 3, 4].map(() => rl.check('192.0.2.1', 'tcp'))).toEqual(['pass', 'pass', 'pass', 'refuse']);
  });

  it('clients are separate; IPv6 clients share a bucket per /64', () => {
    const rl = new RateLimiter({ qps: 1, burst: 1 }, clock().now);
    expect(rl.check('192.0.2.1', 'udp')).toBe('pass');
    expect(rl.check('192.0.2.2', 'udp')).toBe('pass');
    expect(rl.check('2001:db8:0:1::1', 'tcp')).toBe('pass');
    expect(rl.check('2001:db8:0:1::2', 'tcp')).toBe('refuse');
    expect(rl.check('2001:db8:0:2::1', 'tcp')).toBe('pass');
  });

  it('loopback is exempt by default, not when told; qps 0 is off', () => {
    const c = clock();
    const rl = new RateLimiter({ qps: 1, burst: 1 }, c.now);
    for (let i = 0; i < 10; i++) expect(rl.check('127.0.0.1', 'udp')).toBe('pass');
    for (let i = 0; i < 10; i++) expect(rl.check('::1', 'udp')).toBe('pass');
    const strict = new RateLimiter({ qps: 1, burst: 1, exemptLoopback: false }, c.now);
    expect(strict.check('127.0.0.1', 'tcp')).toBe('pass');
    expect(strict.check('127.0.0.1', 'tcp')).toBe('refuse');
    const off = new RateLimiter({ qps: 0 }, c.now);
    for (let i = 0; i < 100; i++) expect(off.check('192.0.2.1', 'udp')).toBe('pass');
    expect(off.clients).toBe(0);
  });

  it('the table of clients is bounded: the least recently seen is forgotten', () => {
    const rl = new RateLimiter({ qps: 1, burst: 1 }, clock().now, 3);
    expect(rl.check('192.0.2.1', 'tcp')).toBe('pass');
    for (const a of ['192.0.2.2', '192.0.2.3', '192.0.2.4']) rl.check(a, 'tcp');
    expect(rl.clients).toBe(3);
    // 192.0.2.1 was evicted: it comes back with a full bucket.
    expect(rl.check('192.0.2.1', 'tcp')).toBe('pass');
    // 192.0.2.4 is still remembered with an empty bucket.
    expect(rl.check('192.0.2.4', 'tcp')).toBe('refuse');
  });
});
