/**
 * Per-client query rate limit: a token bucket per client (an IPv4 address, or an IPv6 /64, since one IPv6 host
 * usually holds a whole /64), refilled at `qps` tokens a second up to `burst`. The table of buckets is bounded
 * (RATE_LIMIT_MAX_CLIENTS, least recently seen evicted first) so a flood of spoofed sources cannot grow memory.
 *
 * What a limited client sees follows Unbound's ip-ratelimit and BIND's Response Rate Limiting "slip":
 * over UDP the query is dropped, except every RATE_LIMIT_SLIP-th one, which gets an empty truncated (TC=1)
 * reply no larger than the query, so a real client behind a shared address retries over TCP while a spoofed
 * victim receives no amplification. Over TCP (the source is proven by the handshake) the client gets REFUSED
 * with an Extended DNS Error (RFC 8914 §4.19 code 18, Prohibited) saying it was rate limited.
 * The clock is injected (milliseconds).
 */
import { addressBytes, isV4Mapped } from './acl.js';

export interface RateLimitOptions {
  /** Sustained queries per second per client; 0 turns the limit off. */
  qps: number;
  /** Queries a client may send at once after being quiet (default 2 × qps, at least 1). */
  burst?: number;
  /** Loopback clients (127.0.0.0/8, ::1) are never limited (default true). */
  exemptLoopback?: boolean;
}

/** Clients remembered at once; beyond it the least recently seen is forgotten (a fresh full bucket if it returns). */
export const RATE_LIMIT_MAX_CLIENTS = 100_000;
/** BIND RRL's default slip: every 2nd limited UDP query gets a TC=1 reply instead of silence. */
export const RATE_LIMIT_SLIP = 2;

export type RateVerdict = 'pass' | 'drop' | 'truncate' | 'refuse';

interface Bucket {
  tokens: number;
  atMs: number;
  limited: number;
}

function clientKey(address: string): string {
  const b = addressBytes(address);
  // IPv4: the address; IPv6: its /64.
  return Buffer.from(isV4Mapped(b) ? b.subarray(12) : b.subarray(0, 8)).toString('hex');
}

function isLoopback(address: string): boolean {
  const b = addressBytes(address);
  if (isV4Mapped(b)) return b[12] === 127;
  return b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  readonly qps: number;
  readonly burst: number;
  readonly exemptLoopback: boolean;

  constructor(opts: RateLimitOptions, private readonly nowMs: () => number, private readonly maxClients = RATE_LIMIT_MAX_CLIENTS) {
    this.qps = opts.qps;
    this.burst = opts.burst ?? Math.max(1, Math.ceil(2 * opts.qps));
    this.exemptLoopback = opts.exemptLoopback ?? true;
  }

  get enabled(): boolean {
    return this.qps > 0;
  }

  get clients(): number {
    return this.buckets.size;
  }

  /** Takes one token for this client's query; says what to do when there is none. `address` must be a valid IP. */
  check(address: string, protocol: 'udp' | 'tcp' | 'https'): RateVerdict {
    if (!this.enabled || (this.exemptLoopback && isLoopback(address))) return 'pass';
    const key = clientKey(address);
    const now = this.nowMs();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below: Map order is least recently seen first
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.atMs) / 1000) * this.qps);
      bucket.atMs = now;
    } else {
      bucket = { tokens: this.burst, atMs: now, limited: 0 };
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 'pass';
    }
    bucket.limited++;
    if (protocol !== 'udp') return 'refuse';
    return bucket.limited % RATE_LIMIT_SLIP === 0 ? 'truncate' : 'drop';
  }
}
