/**
 * Addresses of glueless name servers (RFC 1034 §5.3.3: an NS name without glue is resolved like any name).
 * Each name is looked up at most once per request — a memoised promise, never an address list written into a
 * shared server record — so several lookups may run at once; a found address set is kept across requests for
 * the TTL of its A/AAAA records. The addresses are not validated: data fetched from that server is validated on
 * its own, so a wrong address can only make the server unreachable.
 */
import type { Clock } from '../clock.js';
import type { Name } from '../wire/name.js';
import { ExpiringLru } from './expiring-lru.js';

/** NS names whose addresses are remembered across requests. */
export const NS_ADDRESS_CACHE_MAX_NAMES = 20_000;
/** Longest an NS name's addresses are used without asking again (1 day). */
export const NS_ADDRESS_CACHE_MAX_TTL_S = 86_400;

export interface FoundAddresses {
  addresses: string[];
  ttl: number;
}

export class NsAddressCache {
  private readonly names: ExpiringLru<string[]>;

  constructor(clock: Clock, max = NS_ADDRESS_CACHE_MAX_NAMES) {
    this.names = new ExpiringLru(max, clock);
  }

  get(name: Name): string[] | undefined {
    return this.names.get(name.key);
  }

  put(name: Name, found: FoundAddresses): void {
    if (found.addresses.length > 0) this.names.set(name.key, found.addresses, Math.min(found.ttl, NS_ADDRESS_CACHE_MAX_TTL_S));
  }
}

/**
 * Where a lookup runs: how deeply nested in glueless lookups (bounded by maxGluelessDepth) and, inside one, the
 * NS name being looked up (so the book can tell which lookup would wait on which).
 */
export interface GlueContext {
  depth: number;
  /** Key of the NS name whose lookup this is; undefined for the client's own question. */
  within?: string;
}

/**
 * One request's glueless lookups: each name started at most once, and joined by anyone who needs it — unless
 * joining would close a cycle (the lookup of A waits for B while B's waits for A: two glueless zones served by
 * each other's names), which would wait forever; then the caller goes without that name, as before.
 */
export class NsAddressBook {
  private readonly pending = new Map<string, Promise<string[]>>();
  private readonly settled = new Map<string, string[]>();
  /** Lookup -> lookups it is waiting for (edges of the wait-for graph). */
  private readonly waits = new Map<string, Set<string>>();

  constructor(private readonly shared: NsAddressCache, private readonly lookup: (name: Name, from: GlueContext) => Promise<FoundAddresses>) {}

  /** Addresses known now for `name`: this request's finished lookup, else the shared cache. */
  known(name: Name): string[] {
    return this.settled.get(name.key) ?? this.shared.get(name) ?? [];
  }

  /** True when asking for `name` could still give something: not settled, not cached, and no cycle. */
  worthAsking(name: Name, ctx: GlueContext): boolean {
    if (this.settled.has(name.key) || this.shared.get(name) !== undefined) return false;
    return ctx.within === undefined || !this.reaches(name.key, ctx.within);
  }

  /** The addresses of `name`, looked up at most once per request however many callers ask (the first one's `ctx`). */
  resolve(name: Name, ctx: GlueContext): Promise<string[]> {
    if (ctx.within !== undefined) {
      const edges = this.waits.get(ctx.within) ?? new Set<string>();
      edges.add(name.key);
      this.waits.set(ctx.within, edges);
    }
    const known = this.pending.get(name.key);
    if (known) return known;
    const p = this.lookup(name, ctx).then((found) => {
      this.shared.put(name, found);
      this.settled.set(name.key, found.addresses);
      return found.addresses;
    }, (e: unknown) => {
      this.settled.set(name.key, []);
      throw e;
    });
    this.pending.set(name.key, p);
    return p;
  }

  /** True when the lookup of `from` is, through unfinished lookups, waiting for `target` (or is it). */
  private reaches(from: string, target: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const k = stack.pop()!;
      if (k === target) return true;
      if (seen.has(k) || this.settled.has(k)) continue;
      seen.add(k);
      for (const next of this.waits.get(k) ?? []) stack.push(next);
    }
    return false;
  }
}
