/**
 * One forwarding upstream as a client: send a query, get the matching reply. UDP and TCP reuse the iterator's
 * transports; DoT and DoH keep connections open (dot.ts, doh.ts). The forwarding resolver sees only this.
 */
import type { Upstream } from '../forward/upstream-url.js';
import { describeUpstream } from '../forward/upstream-url.js';
import { udpQuery } from './udp.js';
import { tcpQuery } from './tcp.js';
import { DotClient } from './dot.js';
import { DohClient } from './doh.js';

export interface UpstreamQueryOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface UpstreamClient {
  readonly upstream: Upstream;
  /** True for encrypted transports: the caller pads queries (RFC 8467). */
  readonly encrypted: boolean;
  /** Sends one wire query; resolves with the reply matching its ID and question, rejects with a TransportError. */
  query(wire: Uint8Array, opts: UpstreamQueryOptions): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface UpstreamClientOptions {
  /** PEM CA bundle for DoT/DoH certificates (`--forward-ca`); undefined: Node's default store. */
  ca?: string | Buffer;
}

/** Plain DNS to a recursive upstream: UDP, and TCP after a truncated reply (RFC 7766 §5); or TCP only. */
class PlainClient implements UpstreamClient {
  readonly encrypted = false;
  constructor(readonly upstream: Upstream) {}

  async query(wire: Uint8Array, opts: UpstreamQueryOptions): Promise<Uint8Array> {
    const server = { address: this.upstream.host, port: this.upstream.port };
    const inner = { timeoutMs: opts.timeoutMs, tcp: this.upstream.kind === 'tcp', ...(opts.signal ? { signal: opts.signal } : {}) };
    if (this.upstream.kind === 'tcp') return tcpQuery(server, wire, inner);
    const reply = await udpQuery(server, wire, inner);
    // TC is bit 0x02 of the third header octet.
    if ((reply[2]! & 0x02) === 0) return reply;
    return tcpQuery(server, wire, { ...inner, tcp: true });
  }

  async close(): Promise<void> {}
}

export function createUpstreamClient(upstream: Upstream, opts: UpstreamClientOptions = {}): UpstreamClient {
  switch (upstream.kind) {
    case 'udp':
    case 'tcp':
      return new PlainClient(upstream);
    case 'tls':
      return new DotClient(upstream, opts.ca);
    case 'https':
      return new DohClient(upstream, opts.ca);
  }
}

export { describeUpstream };
