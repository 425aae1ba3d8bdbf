/**
 * Upstream health for one forwarded zone: which upstream to ask first, which to skip. Pure: the caller passes
 * the time. The smoothed RTT is RFC 6298 §2.3's (alpha 1/8); an upstream that failed (refused, TLS refused,
 * connection lost, REFUSED, or timeoutsBeforeDown timeouts in a row) is skipped for a backoff that doubles per
 * consecutive failure, then gets one probe query. When every upstream is in its backoff the request fails at once (EDE 22), instead of waiting
 * on servers known to be down.
 */
import { FORWARD_LIMITS } from './limits.js';

interface Health {
  srttMs: number | undefined;
  /** Consecutive timeouts not yet counted as a failure (see timeoutsBeforeDown). */
  timeouts: number;
  failures: number;
  downUntilMs: number;
  lastError: string;
}

export interface PoolChoice<T> {
  /** Upstreams to try, best first. */
  order: T[];
  /** When `order` is empty: milliseconds until the first upstream may be probed again. */
  retryInMs: number;
}

export class UpstreamPool<T> {
  private readonly health: Map<T, Health>;

  constructor(readonly members: readonly T[], private readonly limits = FORWARD_LIMITS) {
    this.health = new Map(members.map((m) => [m, { srttMs: undefined, timeouts: 0, failures: 0, downUntilMs: 0, lastError: '' }]));
  }

  /** Upstreams that are not in a backoff, lowest smoothed RTT first (unknown ones at unknownRttMs). */
  choose(nowMs: number): PoolChoice<T> {
    const up = this.members.filter((m) => this.state(m).downUntilMs <= nowMs);
    const rtt = (m: T): number => this.state(m).srttMs ?? this.limits.unknownRttMs;
    up.sort((a, b) => rtt(a) - rtt(b));
    const retryInMs = up.length > 0 ? 0 : Math.min(...this.members.map((m) => this.state(m).downUntilMs - nowMs));
    return { order: up, retryInMs };
  }

  recordSuccess(m: T, rttMs: number): void {
    const h = this.state(m);
    h.srttMs = h.srttMs === undefined ? rttMs : h.srttMs + (rttMs - h.srttMs) / 8;
    h.timeouts = 0;
    h.failures = 0;
    h.downUntilMs = 0;
    h.lastError = '';
  }

  /** A query timed out: the upstream goes into its backoff only after timeoutsBeforeDown in a row. */
  recordTimeout(m: T, nowMs: number, error: string): void {
    const h = this.state(m);
    h.lastError = error;
    if (++h.timeouts < this.limits.timeoutsBeforeDown) return;
    h.timeouts = 0;
    this.recordFailure(m, nowMs, error);
  }

  recordFailure(m: T, nowMs: number, error: string): void {
    const h = this.state(m);
    h.failures++;
    h.lastError = error;
    h.downUntilMs = nowMs + Math.min(this.limits.downMaxMs, this.limits.downInitialMs * 2 ** (h.failures - 1));
  }

  lastErrors(): string[] {
    return this.members.map((m) => this.state(m).lastError).filter((e) => e !== '');
  }

  private state(m: T): Health {
    const h = this.health.get(m);
    if (!h) throw new Error('not a member of this pool');
    return h;
  }
}
