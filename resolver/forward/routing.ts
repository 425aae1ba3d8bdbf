/**
 * Picks, per question, forwarding or iteration: the longest forwarded zone enclosing the name decides
 * (ForwardTable); names under no forwarded zone go to the iterative resolver. One Resolver in front of all, so
 * the cache and the front ends wrap it like any other (resolver/api.ts).
 */
import type { ResolveOptions, ResolveResult, Resolver } from '../api.js';
import type { Name } from '../wire/name.js';
import { T } from '../wire/types.js';
import { tlsaOwner } from '../tlsa-owner.js';
import type { ForwardTable } from './zone-table.js';

export class RoutingResolver implements Resolver {
  constructor(
    private readonly table: ForwardTable,
    /** One resolver per forwarded zone, keyed by the zone's Name.key. */
    private readonly forwarders: ReadonlyMap<string, Resolver>,
    /** For names no forwarded zone encloses; undefined when `.` is forwarded. */
    private readonly iterative: Resolver | undefined,
  ) {}

  /** The resolver that answers for `name`. */
  route(name: Name): Resolver {
    const zone = this.table.match(name);
    const r = zone ? this.forwarders.get(zone.zone.key) : this.iterative;
    if (!r) throw new Error(`no resolver for ${name.toString()}`);
    return r;
  }

  resolve(name: Name, type: number, opts?: ResolveOptions): Promise<ResolveResult> {
    // DS lives in the parent zone (RFC 4035 §3.1.4.1), but the upstream of the child's zone is still the one
    // configured for the name: a forwarded zone's upstream usually knows its own parent side too.
    return this.route(name).resolve(name, type, opts);
  }

  resolveTLSA(host: Name | string, port: number, proto = 'tcp', opts?: ResolveOptions): Promise<ResolveResult> {
    return this.resolve(tlsaOwner(host, port, proto), T.TLSA, opts);
  }

  async close(): Promise<void> {
    await Promise.all([...this.forwarders.values(), ...(this.iterative ? [this.iterative] : [])].map((r) => r.close()));
  }
}
