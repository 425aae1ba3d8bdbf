/**
 * Access control for the HTTP front end. The decision is injected: `(address, stage) => 'allow' | 'refuse' |
 * 'drop' | 'rate-limited'`, asked when a connection arrives (only `drop` acts there: the socket is closed before
 * a byte is read) and for each request (refuse → 403, drop → connection closed, rate-limited → 429).
 * `policyAccess` adapts the DNS server's ClientPolicy (server/admission.ts: --allow/--refuse/--drop and
 * --rate-limit), so one policy, reloaded as a whole, governs every transport. Without a policy only loopback
 * clients are served, so a listener opened on a public address by mistake is not an open resolver (RFC 5358 §4).
 */
import { isIP } from 'node:net';
import { LOOPBACK_ONLY } from '../admission.js';
import type { ClientPolicy } from '../admission.js';

export type AccessDecision = 'allow' | 'refuse' | 'drop' | 'rate-limited';
export type AccessStage = 'connection' | 'request';
export type AccessCheck = (address: string, stage: AccessStage) => AccessDecision;

/** The client policy as an access check; `current` is read at each call, so a reload applies at once. */
export function policyAccess(current: () => ClientPolicy): AccessCheck {
  return (address, stage) => {
    if (isIP(address) === 0) return 'drop';
    const policy = current();
    // At connection time only the ACL is asked: the rate limit counts requests, not connections.
    if (stage === 'connection') return policy.acl.decide(address);
    switch (policy.admit(address, 'https')) {
      case 'answer': return 'allow';
      case 'refuse': return 'refuse';
      case 'drop': return 'drop';
      default: return 'rate-limited';
    }
  };
}

/** The default policy: loopback (127.0.0.0/8, ::1, v4-mapped loopback) allowed, everyone else refused. */
export const loopbackOnly: AccessCheck = policyAccess(((policy) => () => policy)(LOOPBACK_ONLY()));
