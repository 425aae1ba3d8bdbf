/**
 * The TC -> TCP fallback as a transport wrapper (undici's compose style), so no caller deals with truncation:
 * an upstream described as 'do53' is asked over UDP and, when the reply has TC set, asked again over TCP
 * (RFC 7766 §5, RFC 1035 §4.2.1); a 'tcp' upstream is asked over TCP at once. The inner transport sends exactly
 * what it is told (UDP unless `tcp`).
 */
import type { QueryOptions, Transport, Upstream } from './transport.js';

/** TC is bit 1 of the third header octet (RFC 1035 §4.1.1). */
const TC_BIT = 0x02;

/** True when a wire-format reply has the TC (truncated) bit set. */
export function isTruncated(reply: Uint8Array): boolean {
  return reply.length >= 3 && (reply[2]! & TC_BIT) !== 0;
}

export class TruncationFallback implements Transport {
  /** Replies that came back truncated over UDP and were asked again over TCP (for logs and tests). */
  retriedOverTcp = 0;

  constructor(private readonly inner: Transport) {}

  async query(server: Upstream, query: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
    if (opts.tcp === true || server.protocol === 'tcp') return this.inner.query(server, query, { ...opts, tcp: true });
    const reply = await this.inner.query(server, query, { ...opts, tcp: false });
    if (!isTruncated(reply)) return reply;
    this.retriedOverTcp++;
    return this.inner.query(server, query, { ...opts, tcp: true });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
