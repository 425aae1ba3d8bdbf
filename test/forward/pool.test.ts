import { describe, expect, it } from 'vitest';
import { UpstreamPool } from '../../resolver/forward/pool.js';
import { FORWARD_LIMITS } from '../../resolver/forward/limits.js';
import { ConnectBackoff, BACKOFF_LIMITS } from '../../resolver/transport/backoff.js';

describe('upstream pool: failover by health and RTT', () => {
  it('asks unknown upstreams in configuration order, then the fastest first', () => {
    const pool = new UpstreamPool(['a', 'b', 'c']);
    expect(pool.choose(0).order).toEqual(['a', 'b', 'c']);
    pool.recordSuccess('a', 80);
    pool.recordSuccess('b', 5);
    expect(pool.choose(0).order).toEqual(['b', 'a', 'c']);
  });

  it('skips a failed upstream for a backoff that doubles, then probes it again', () => {
    const pool = new UpstreamPool(['a', 'b']);
    pool.recordFailure('a', 1000, 'timeout');
    expect(pool.choose(1000).order).toEqual(['b']);
    expect(pool.choose(1000 + FORWARD_LIMITS.downInitialMs).order).toEqual(['a', 'b']);
    pool.recordFailure('a', 2000, 'timeout');
    expect(pool.choose(2000 + FORWARD_LIMITS.downInitialMs).order).toEqual(['b']);
    expect(pool.choose(2000 + 2 * FORWARD_LIMITS.downInitialMs).order).toContain('a');
    pool.recordSuccess('a', 10);
    pool.recordFailure('a', 3000, 'refused');
    expect(pool.choose(3000 + FORWARD_LIMITS.downInitialMs).order).toContain('a'); // the success reset the backoff
  });

  it('counts timeouts: only timeoutsBeforeDown in a row start the backoff, a reply resets the count', () => {
    const pool = new UpstreamPool(['a']);
    for (let i = 1; i < FORWARD_LIMITS.timeoutsBeforeDown; i++) pool.recordTimeout('a', 0, 'timeout');
    expect(pool.choose(0).order).toEqual(['a']);
    pool.recordSuccess('a', 5);
    for (let i = 1; i < FORWARD_LIMITS.timeoutsBeforeDown; i++) pool.recordTimeout('a', 0, 'timeout');
    expect(pool.choose(0).order).toEqual(['a']);
    pool.recordTimeout('a', 0, 'timeout');
    expect(pool.choose(0).order).toEqual([]);
  });

  it('caps the backoff at downMaxMs', () => {
    const pool = new UpstreamPool(['a']);
    for (let i = 0; i < 40; i++) pool.recordFailure('a', 0, 'x');
    expect(pool.choose(FORWARD_LIMITS.downMaxMs - 1).order).toEqual([]);
    expect(pool.choose(FORWARD_LIMITS.downMaxMs).order).toEqual(['a']);
  });

  it('with every upstream down: no one to ask, and how long until the first may be probed', () => {
    const pool = new UpstreamPool(['a', 'b']);
    pool.recordFailure('a', 0, 'timeout');
    pool.recordFailure('b', 100, 'tls refused');
    const c = pool.choose(200);
    expect(c.order).toEqual([]);
    expect(c.retryInMs).toBe(FORWARD_LIMITS.downInitialMs - 200);
    expect(pool.lastErrors()).toEqual(['timeout', 'tls refused']);
  });
});

describe('connection backoff', () => {
  it('doubles from initialMs up to maxMs and resets on success', () => {
    const b = new ConnectBackoff();
    expect(b.remainingMs(0)).toBe(0);
    b.failed(0, 'refused');
    expect(b.remainingMs(0)).toBe(BACKOFF_LIMITS.initialMs);
    b.failed(0, 'refused');
    expect(b.remainingMs(0)).toBe(2 * BACKOFF_LIMITS.initialMs);
    for (let i = 0; i < 20; i++) b.failed(0, 'refused');
    expect(b.remainingMs(0)).toBe(BACKOFF_LIMITS.maxMs);
    b.succeeded();
    expect(b.remainingMs(0)).toBe(0);
  });
});
