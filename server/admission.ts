/**
 * Who gets an answer: the access-control list, then the per-client rate limit. One object shared by every
 * listener, swapped as a whole on reload (so a query sees either the old policy or the new, never a mix).
 */
import { Acl } from './acl.js';
import type { AclRule } from './acl.js';
import { RateLimiter } from './rate-limit.js';
import type { RateLimitOptions } from './rate-limit.js';

/**
 * answer: resolve it; refuse: REFUSED + EDE 18 Prohibited (RFC 8914 §4.19); drop: no reply at all;
 * truncate: an empty TC=1 reply (rate-limit slip), so a real client retries over TCP.
 */
export type Admission = 'answer' | 'refuse' | 'drop' | 'truncate' | 'rate-refuse';

export class ClientPolicy {
  readonly acl: Acl;
  readonly rate: RateLimiter;

  constructor(rules: readonly AclRule[], rate: RateLimitOptions, nowMs: () => number = Date.now) {
    this.acl = new Acl(rules);
    this.rate = new RateLimiter(rate, nowMs);
  }

  admit(address: string, protocol: 'udp' | 'tcp' | 'https'): Admission {
    const action = this.acl.decide(address);
    if (action !== 'allow') return action;
    const rate = this.rate.check(address, protocol);
    if (rate === 'pass') return 'answer';
    return rate === 'refuse' ? 'rate-refuse' : rate;
  }
}

/** Loopback only, no rate limit: the default when nothing is configured. */
export const LOOPBACK_ONLY = (): ClientPolicy => new ClientPolicy([], { qps: 0 });
