/**
 * The resolver library's entry point: build a Resolver from a ResolverConfig and call resolve() /
 * resolveTLSA(). Front ends (server/, cli/) and the DANE helpers import from here.
 *
 * @example
 * ```ts
 * import { createResolver, DEFAULT_LIMITS, Name, T } from './resolver/index.js';
 * const resolver = createResolver({ rootHints, builtinHints: false, trustAnchors, qnameMinimisation: true,
 *   doIp6: true, transport: new StandardTransport(), clock: systemClock, policy: DEFAULT_POLICY,
 *   workLimits: DEFAULT_WORK_LIMITS, limits: DEFAULT_LIMITS });
 * const r = await resolver.resolveTLSA('mail.example.org', 25);
 * console.log(r.rcode, r.verdict.status, r.verdict.reason);
 * ```
 */
export type { ResolveOptions, ResolveResult, Resolver, ResolverConfig, ResolutionLimits, ServerHint } from './api.js';
export { createResolver, ResolutionError, type Logger, type ResolverOptions } from './resolve.js';
export { DEFAULT_LIMITS } from './limits.js';
export { DEFAULT_POLICY, type ValidationPolicy } from './dnssec/policy.js';
export { DEFAULT_WORK_LIMITS, type WorkLimits } from './dnssec/budget.js';
export { EDE, type Status, type Verdict } from './dnssec/verdict.js';
export { systemClock, FixedClock, type Clock } from './clock.js';
export { StandardTransport } from './transport/standard.js';
export { TransportError, type Transport } from './transport/transport.js';
export { Name } from './wire/name.js';
export { T, RCODE, type RR } from './wire/types.js';
