/**
 * Keep-warm: TLSA names (and the DS and DNSKEY RRsets of every zone from the peer's zone up to the root) are
 * refreshed before the earlier of their TTL and RRSIG expiry (the cache's expiresAt holds both), whether or
 * not anyone asks, so a DANE handshake never waits on DNS. The set is the configured names plus names learnt
 * from traffic: a TLSA name asked learn-min-queries times joins (at most learn-max of them) and leaves after
 * KEEP_WARM_IDLE_MS without a question. Clock and timers are injected.
 */
import type { ResolveResult } from '../resolver/api.js';
import type { Clock } from '../resolver/clock.js';
import { Name } from '../resolver/wire/name.js';
import { RCODE, T } from '../resolver/wire/types.js';
import { decodeRrsig } from '../resolver/wire/dnssec-rdata.js';
import { LRUCache } from 'lru-cache';
import type { CacheStore } from './store.js';
import { nameKey } from './entries.js';
import type { CacheStats } from './stats.js';
import type { Timers } from './timers.js';
import {
  CacheOptionError, KEEP_WARM_CANDIDATES_MAX, KEEP_WARM_IDLE_MS, KEEP_WARM_MAX_CHAIN, KEEP_WARM_MIN_INTERVAL_MS,
  KEEP_WARM_RETRY_MS, type CacheOptions,
} from './options.js';

export interface KeepWarmDeps {
  /** Resolves through the inner resolver and stores the result in the cache (joined when already running). */
  refresh(name: Name, type: number): Promise<ResolveResult>;
  store: CacheStore;
  clock: Clock;
  timers: Timers;
  opts: CacheOptions;
  stats: CacheStats;
  logger?: { debug(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/**
 * The TLSA owner a --keep-warm value names: `host:port` → `_port._tcp.host` (RFC 6698 §3); a TLSA owner
 * (`_443._tcp.host`) or a client-id name (`x._device.zone`) as written.
 */
export function keepWarmOwner(text: string): Name {
  const hostPort = /^(.+):(\d{1,5})$/.exec(text);
  try {
    if (hostPort) {
      const port = Number(hostPort[2]);
      if (port < 1 || port > 65535) throw new Error(`port ${port} is out of range`);
      const host = hostPort[1]!.endsWith('.') ? hostPort[1]! : `${hostPort[1]}.`;
      return Name.parse(host).prepend('_tcp').prepend(`_${port}`);
    }
    return Name.parse(text.endsWith('.') ? text : `${text}.`);
  } catch (err) {
    throw new CacheOptionError(`--keep-warm ${JSON.stringify(text)}: ${(err as Error).message}`);
  }
}

interface Warm {
  name: Name;
  learnt: boolean;
  lastAsked: number;
  timer?: unknown;
}

export class KeepWarm {
  private readonly warm = new Map<string, Warm>();
  private readonly candidates = new LRUCache<string, number>({ max: KEEP_WARM_CANDIDATES_MAX });
  private closed = false;
  /** Learnt names in `warm` (bounded by learn-max). */
  private learnt = 0;

  constructor(private readonly d: KeepWarmDeps) {
    for (const text of d.opts.keepWarm) {
      const name = keepWarmOwner(text);
      this.warm.set(nameKey(name), { name, learnt: false, lastAsked: 0 });
    }
  }

  get size(): number {
    return this.warm.size;
  }

  /** Names kept warm now, as text (configured and learnt). */
  names(): string[] {
    return [...this.warm.values()].map((w) => w.name.toString());
  }

  start(): void {
    for (const w of this.warm.values()) this.schedule(w, 0);
  }

  /** A client asked TLSA at `name`: keeps a learnt name alive, or counts towards learning it. */
  noteQuery(name: Name): void {
    const now = this.d.clock.now();
    const key = nameKey(name);
    const held = this.warm.get(key);
    if (held) { held.lastAsked = now; return; }
    if (this.learnt >= this.d.opts.learnMax) return;
    const count = (this.candidates.get(key) ?? 0) + 1;
    if (count < this.d.opts.learnMinQueries) { this.candidates.set(key, count); return; }
    this.candidates.delete(key);
    const w: Warm = { name, learnt: true, lastAsked: now };
    this.warm.set(key, w);
    this.learnt++;
    this.d.logger?.debug({ name: name.toString() }, 'keep-warm: learnt from traffic');
    // The client's own question fills the cache now; the first refresh comes before that data expires.
    this.schedule(w, KEEP_WARM_MIN_INTERVAL_MS);
  }

  close(): void {
    this.closed = true;
    for (const w of this.warm.values()) if (w.timer !== undefined) this.d.timers.clear(w.timer);
  }

  private schedule(w: Warm, delayMs: number): void {
    if (this.closed) return;
    if (w.timer !== undefined) this.d.timers.clear(w.timer);
    w.timer = this.d.timers.set(() => { void this.refresh(w); }, delayMs);
  }

  /** Refreshes the TLSA RRset and its chain, then schedules the next refresh (or drops an idle learnt name). */
  private async refresh(w: Warm): Promise<void> {
    w.timer = undefined;
    if (this.closed) return;
    if (w.learnt && this.d.clock.now() - w.lastAsked > KEEP_WARM_IDLE_MS) {
      this.warm.delete(nameKey(w.name));
      this.learnt--;
      this.d.logger?.debug({ name: w.name.toString() }, 'keep-warm: learnt name no longer asked, dropped');
      return;
    }
    const questions: Array<[Name, number]> = [[w.name, T.TLSA]];
    let delay: number;
    try {
      const tlsa = await this.refreshIfDue(w.name, T.TLSA);
      questions.push(...await this.warmChain(signers(tlsa)));
      if (tlsa.verdict.status === 'bogus') {
        // RFC 4035 §4.7: a broken zone is not re-validated before the bad cache lets it go.
        delay = Math.max(this.d.opts.badTtlS * 1000, KEEP_WARM_RETRY_MS);
      } else {
        delay = tlsa.rcode === RCODE.SERVFAIL ? KEEP_WARM_RETRY_MS : this.nextDelay(questions);
      }
    } catch (err) {
      delay = KEEP_WARM_RETRY_MS;
      this.d.logger?.warn({ name: w.name.toString(), err: (err as Error)?.message }, 'keep-warm refresh failed');
    }
    if (this.closed || !this.warm.has(nameKey(w.name))) return;
    this.schedule(w, delay);
  }

  /**
   * The cached answer while it is not yet due, else a refresh through the inner resolver. Zones shared by many
   * warm names (the root, a TLD) are so refreshed once per lifetime, not once per name.
   */
  private refreshIfDue(name: Name, type: number): Promise<ResolveResult> {
    const now = this.d.clock.now();
    const hit = this.d.store.lookup(name, type, now);
    if (hit && now < this.refreshAt(hit.entry)) return Promise.resolve(hit.result);
    this.d.stats.keepWarmRefreshes++;
    return this.d.refresh(name, type);
  }

  /** Before expiry by the prefetch share of the lifetime (at least KEEP_WARM_MIN_INTERVAL_MS). */
  private refreshAt(e: { storedAt: number; expiresAt: number }): number {
    return e.expiresAt - Math.max(this.d.opts.prefetchShare * (e.expiresAt - e.storedAt), KEEP_WARM_MIN_INTERVAL_MS);
  }

  /** DNSKEY and DS of each zone from `zones` up to the root, following the DS RRSIG's signer to the parent. */
  private async warmChain(zones: Name[]): Promise<Array<[Name, number]>> {
    const asked: Array<[Name, number]> = [];
    const seen = new Set<string>();
    let pending = zones;
    while (pending.length > 0 && seen.size < KEEP_WARM_MAX_CHAIN) {
      const next: Name[] = [];
      for (const zone of pending) {
        if (seen.has(zone.key) || seen.size >= KEEP_WARM_MAX_CHAIN) continue;
        seen.add(zone.key);
        await this.refreshIfDue(zone, T.DNSKEY);
        asked.push([zone, T.DNSKEY]);
        if (zone.isRoot) continue;
        const ds = await this.refreshIfDue(zone, T.DS);
        asked.push([zone, T.DS]);
        next.push(...signers(ds).filter((s) => zone.isStrictSubdomainOf(s)));
      }
      pending = next;
    }
    return asked;
  }

  /** Until the earliest refresh point of what was fetched: expiry less the prefetch share of its lifetime. */
  private nextDelay(questions: Array<[Name, number]>): number {
    const now = this.d.clock.now();
    let at = Infinity;
    for (const [name, type] of questions) {
      const e = this.d.store.answerEntry(name, type);
      if (e) at = Math.min(at, this.refreshAt(e));
    }
    if (at === Infinity) return KEEP_WARM_RETRY_MS;
    return Math.max(at - now, KEEP_WARM_MIN_INTERVAL_MS);
  }
}

/** The zones that signed a result's answer RRsets (Signer's Name of their RRSIGs), each once. */
function signers(result: ResolveResult): Name[] {
  const out = new Map<string, Name>();
  for (const rr of result.answer) {
    if (rr.type !== T.RRSIG) continue;
    try {
      const s = decodeRrsig(rr.rdata).signerName;
      out.set(s.key, s);
    } catch {
      // malformed: it cannot have verified
    }
  }
  return [...out.values()];
}
