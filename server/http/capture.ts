/**
 * A Resolver that wraps the Resolver and keeps the results it hands out, for one HTTP request: the request
 * handler and the DANE lookups return messages and verdicts, and the HTTP API also reports what they were built
 * from (the verdict behind a DNS response, the TTL of a TLSA RRset) without a second resolution.
 */
import type { ResolveOptions, ResolveResult, Resolver } from '../../resolver/api.js';
import type { Name } from '../../resolver/wire/name.js';

export interface CapturingResolver extends Resolver {
  /** Every result returned so far, in order. */
  readonly results: ResolveResult[];
}

/** Wraps `inner` for one request; `signal` is passed to every resolution that was not given one. */
export function capturingResolver(inner: Resolver, signal?: AbortSignal): CapturingResolver {
  const results: ResolveResult[] = [];
  const keep = (r: ResolveResult): ResolveResult => {
    results.push(r);
    return r;
  };
  const withSignal = (opts: ResolveOptions | undefined): ResolveOptions | undefined => (signal && !opts?.signal ? { ...opts, signal } : opts);
  return {
    results,
    resolve: async (name: Name, type: number, opts?: ResolveOptions) => keep(await inner.resolve(name, type, withSignal(opts))),
    resolveTLSA: async (host: Name | string, port: number, proto?: string, opts?: ResolveOptions) =>
      keep(await inner.resolveTLSA(host, port, proto, withSignal(opts))),
    // The wrapped resolver outlives the request: closing is its owner's job.
    close: () => Promise.resolve(),
  };
}
