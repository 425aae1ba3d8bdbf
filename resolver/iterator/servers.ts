/**
 * Server selection and per-address health (Unbound's infra cache, util/rtt.c): a smoothed RTT and variance per
 * address, an RTO doubled on each timeout (exponential backoff, RFC 6298 §5.5 style), addresses that keep timing
 * out skipped for a while, and (address, zone) pairs that answered lame or with an error skipped for that zone.
 * Pure: the caller passes the time in milliseconds.
 *
 * Both tables are keyed by what referrals name (addresses and zone names an attacker's zone can choose freely), so
 * both are LRU caches of a named size: a flood of fresh names evicts the least recently used entries instead of
 * growing memory for ever.
 */
import { LRUCache } from 'lru-cache';
import { isIpv6 } from './address-guard.js';

/** Consecutive timeouts after which an address is considered unresponsive. */
export const TIMEOUTS_BEFORE_BLOCK = 3;
/** How long an unresponsive address is skipped (Unbound infra-host-ttl 900 s; shorter so a restarted server comes back). */
export const BLOCK_MS = 120_000;
/**
 * While an address is blocked, one query at a time is sent to it, at most one per PROBE_INTERVAL_MS (a probe, as
 * Unbound's infra cache does): the other requests that have no other server give up at once instead of each
 * waiting out its timeout, so names under a dead zone (a random-subdomain flood) cannot hold every request slot.
 */
export const PROBE_INTERVAL_MS = 1_000;
/** How long a server stays marked lame for a zone (Unbound infra-lame-ttl 900 s). */
export const LAME_MS = 900_000;
/** Floor for a learned timeout: a loopback RTT of 0.1 ms must not make a busy server "time out" after 1 ms. */
export const MIN_TIMEOUT_MS = 100;
/** RTT assumed for an address never tried; lower than a timed-out one, so unknown servers get probed. */
export const UNKNOWN_RTT_MS = 376;

interface AddressState {
  srtt: number;
  rttvar: number;
  rto: number;
  timeouts: number;
  blockedUntil: number;
  /** While blocked: no probe before this time (the last probe's timeout, at least PROBE_INTERVAL_MS after it). */
  nextProbe: number;
}

export interface TimeoutLimits {
  initialTimeoutMs: number;
  maxTimeoutMs: number;
}

/** Entry counts of the health tables (README "Limits"). */
export interface HealthSizes {
  /** Addresses with an RTT record (Unbound infra-cache-numhosts 10000). */
  maxServerAddresses: number;
  /** (zone, address) pairs marked lame. */
  maxLameEntries: number;
}

export const DEFAULT_HEALTH_SIZES: HealthSizes = { maxServerAddresses: 10_000, maxLameEntries: 10_000 };

export class ServerHealth {
  private readonly byAddress: LRUCache<string, AddressState>;
  private readonly lameUntil: LRUCache<string, number>;

  constructor(private readonly limits: TimeoutLimits, sizes: HealthSizes = DEFAULT_HEALTH_SIZES) {
    this.byAddress = new LRUCache<string, AddressState>({ max: sizes.maxServerAddresses });
    this.lameUntil = new LRUCache<string, number>({ max: sizes.maxLameEntries });
  }

  /** Entries held (for tests and statistics): never above the HealthSizes given. */
  get size(): { addresses: number; lame: number } {
    return { addresses: this.byAddress.size, lame: this.lameUntil.size };
  }

  /** The timeout for the next try to `address`: its RTO, or the initial timeout when unknown. */
  timeoutFor(address: string): number {
    const s = this.byAddress.get(address);
    if (!s) return this.limits.initialTimeoutMs;
    return Math.min(this.limits.maxTimeoutMs, Math.max(MIN_TIMEOUT_MS, s.rto));
  }

  /** Records a reply after `rttMs` (RFC 6298 §2.3 smoothing: alpha 1/8, beta 1/4, RTO = SRTT + 4·RTTVAR). */
  recordReply(address: string, rttMs: number): void {
    const s = this.byAddress.get(address);
    if (!s) {
      this.byAddress.set(address, { srtt: rttMs, rttvar: rttMs / 2, rto: rttMs * 3, timeouts: 0, blockedUntil: 0, nextProbe: 0 });
      return;
    }
    s.rttvar = 0.75 * s.rttvar + 0.25 * Math.abs(s.srtt - rttMs);
    s.srtt = 0.875 * s.srtt + 0.125 * rttMs;
    s.rto = s.srtt + 4 * s.rttvar;
    s.timeouts = 0;
    s.blockedUntil = 0;
  }

  /** Records a timeout: the RTO doubles (up to the max); after a few in a row the address is skipped for BLOCK_MS. */
  recordTimeout(address: string, nowMs: number): void {
    const s = this.byAddress.get(address) ?? { srtt: UNKNOWN_RTT_MS, rttvar: 0, rto: this.limits.initialTimeoutMs, timeouts: 0, blockedUntil: 0, nextProbe: 0 };
    s.rto = Math.min(this.limits.maxTimeoutMs, Math.max(s.rto, this.timeoutFor(address)) * 2);
    s.srtt = Math.max(s.srtt, s.rto);
    s.timeouts++;
    if (s.timeouts >= TIMEOUTS_BEFORE_BLOCK) s.blockedUntil = nowMs + BLOCK_MS;
    this.byAddress.set(address, s);
  }

  /** Marks `address` lame (or answering with errors) for `zoneKey` (a Name.key). */
  recordLame(address: string, zoneKey: string, nowMs: number): void {
    this.lameUntil.set(`${zoneKey}|${address}`, nowMs + LAME_MS);
  }

  isLame(address: string, zoneKey: string, nowMs: number): boolean {
    const key = `${zoneKey}|${address}`;
    const until = this.lameUntil.get(key);
    if (until === undefined) return false;
    if (until > nowMs) return true;
    this.lameUntil.delete(key); // expired: free the slot
    return false;
  }

  isBlocked(address: string, nowMs: number): boolean {
    const s = this.byAddress.get(address);
    return s !== undefined && s.blockedUntil > nowMs;
  }

  /** False while a blocked address has a probe in flight or had one less than PROBE_INTERVAL_MS ago. */
  probeDue(address: string, nowMs: number): boolean {
    const s = this.byAddress.get(address);
    return s === undefined || s.blockedUntil <= nowMs || nowMs >= s.nextProbe;
  }

  /** A query is going to `address`: if it is blocked, that query is its probe until it times out. */
  noteProbe(address: string, nowMs: number): void {
    const s = this.byAddress.get(address);
    if (s && s.blockedUntil > nowMs) s.nextProbe = nowMs + Math.max(PROBE_INTERVAL_MS, this.timeoutFor(address));
  }

  /** Expected RTT used for ranking: smoothed RTT, or UNKNOWN_RTT_MS for a new address. */
  rank(address: string): number {
    return this.byAddress.get(address)?.srtt ?? UNKNOWN_RTT_MS;
  }
}

export interface SelectOptions {
  zoneKey: string;
  nowMs: number;
  doIp6: boolean;
  /** Query IPv4 addresses (default true). */
  doIp4?: boolean;
  /** Addresses already tried for this question in this request. */
  tried: ReadonlySet<string>;
}

/**
 * Picks the best untried address: IPv6 only with doIp6, IPv4 only with doIp4; addresses lame for this zone are
 * skipped; unresponsive (blocked) ones only when nothing else is left, and then as the one probe of their
 * interval (PROBE_INTERVAL_MS; choosing it reserves the probe): a whole zone may have been down for a minute.
 * Among the rest, the lowest expected RTT wins; ties keep the given order.
 */
export function chooseAddress(addresses: readonly string[], health: ServerHealth, opts: SelectOptions): string | undefined {
  const usable = addresses.filter((a) => !opts.tried.has(a) && (isIpv6(a) ? opts.doIp6 : opts.doIp4 !== false));
  if (usable.length === 0) return undefined;
  const good = usable.filter((a) => !health.isLame(a, opts.zoneKey, opts.nowMs) && !health.isBlocked(a, opts.nowMs));
  const pool = good.length > 0 ? good : usable.filter((a) => !health.isLame(a, opts.zoneKey, opts.nowMs) && health.probeDue(a, opts.nowMs));
  if (pool.length === 0) return undefined;
  let best = pool[0]!;
  for (const a of pool) if (health.rank(a) < health.rank(best)) best = a;
  if (good.length === 0) health.noteProbe(best, opts.nowMs);
  return best;
}
