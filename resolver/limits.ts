/**
 * Named limits for one client request (README "Limits"). Every limit, when hit, ends the request with
 * SERVFAIL, a reason naming the limit, and an Extended DNS Error (RFC 8914): 22 No Reachable Authority when
 * the servers could not be reached in time, 0 Other for the iteration caps.
 */
import type { ResolutionLimits } from './api.js';

export const DEFAULT_LIMITS: ResolutionLimits = {
  /** Referrals followed from the root to the answer; real names need < 10, 30 leaves room (Unbound: max-referral 30). */
  maxReferralDepth: 30,
  /** CNAME/DNAME links followed (Unbound MAX_RESTART_COUNT 11, BIND 11; 12 links). */
  maxCnameChain: 12,
  /** Upstream queries for one client request, sub-resolutions and DNSKEY fetches included (BIND max-recursion-queries 100). */
  maxUpstreamQueries: 100,
  /** First timeout for a server we know nothing about (Unbound UNKNOWN_SERVER_NICENESS ~376 ms). */
  initialTimeoutMs: 400,
  /** Exponential backoff stops here. */
  maxTimeoutMs: 3000,
  /** Wall-clock cap for a whole client request (stub resolvers give up after ~5–10 s). */
  requestTimeoutMs: 10000,
  /** Nesting of NS-name sub-resolutions for glueless delegations (Unbound target-fetch-policy depth ~4). */
  maxGluelessDepth: 4,
};
