/**
 * The standard upstream transport: UDP by default, TCP when asked (after a truncated reply, RFC 7766 §5).
 * Keeps track of in-flight queries so close() can cancel them.
 */
import { TransportError } from './transport.js';
import type { QueryOptions, ServerAddress, Transport } from './transport.js';
import { udpQuery } from './udp.js';
import { tcpQuery } from './tcp.js';
import type { TcpOptions } from './tcp.js';

export class StandardTransport implements Transport {
  private readonly inflight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly tcpOptions: TcpOptions = {}) {}

  async query(server: ServerAddress, query: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
    if (this.closed) throw new TransportError('ABORTED', 'transport is closed');
    const ctl = new AbortController();
    const onOuterAbort = (): void => ctl.abort();
    if (opts.signal?.aborted) ctl.abort();
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
    this.inflight.add(ctl);
    try {
      const inner: QueryOptions = { timeoutMs: opts.timeoutMs, tcp: opts.tcp, signal: ctl.signal };
      return opts.tcp ? await tcpQuery(server, query, inner, this.tcpOptions) : await udpQuery(server, query, inner);
    } finally {
      this.inflight.delete(ctl);
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  /** Aborts every in-flight query; later queries fail with ABORTED. */
  async close(): Promise<void> {
    this.closed = true;
    for (const ctl of this.inflight) ctl.abort();
    this.inflight.clear();
  }
}
