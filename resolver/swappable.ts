/**
 * A Resolver whose inner resolver can be replaced while it serves (SIGHUP: new root hints, anchors, switches or
 * limits). Layers above it — the answer cache, the DNS and HTTP front ends — are never rebuilt, so their state
 * (cached answers) survives a reload. Requests already running finish on the resolver they started on, which is
 * closed once its last request ends.
 *
 * @example
 *   const front = new SwappableResolver(createResolver(config));
 *   const server = new DnsServer(front, opts);          // or new CachingResolver(front, ...)
 *   front.swap(createResolver(newConfig));              // on reload
 */
import type { Name } from './wire/name.js';
import type { Resolver, ResolveOptions, ResolveResult } from './api.js';

export class SwappableResolver implements Resolver {
  private inFlight = new Map<Resolver, number>();
  private retired = new Set<Resolver>();

  constructor(private current: Resolver) {}

  get inner(): Resolver {
    return this.current;
  }

  /** Later requests go to `next`; the old resolver is closed when its running requests are done. */
  swap(next: Resolver): void {
    const old = this.current;
    this.current = next;
    if (old === next) return;
    this.retired.add(old);
    if ((this.inFlight.get(old) ?? 0) === 0) this.retire(old);
  }

  resolve(name: Name, type: number, opts?: ResolveOptions): Promise<ResolveResult> {
    return this.track((r) => r.resolve(name, type, opts));
  }

  resolveTLSA(host: Name | string, port: number, proto?: string, opts?: ResolveOptions): Promise<ResolveResult> {
    return this.track((r) => r.resolveTLSA(host, port, proto, opts));
  }

  async close(): Promise<void> {
    await Promise.all([this.current, ...this.retired].map((r) => r.close()));
    this.retired.clear();
  }

  private async track(run: (r: Resolver) => Promise<ResolveResult>): Promise<ResolveResult> {
    const r = this.current;
    this.inFlight.set(r, (this.inFlight.get(r) ?? 0) + 1);
    try {
      return await run(r);
    } finally {
      const left = (this.inFlight.get(r) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(r); else this.inFlight.set(r, left);
      if (left === 0 && this.retired.has(r)) this.retire(r);
    }
  }

  private retire(r: Resolver): void {
    this.retired.delete(r);
    void r.close().catch(() => undefined);
  }
}
