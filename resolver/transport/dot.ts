/**
 * DNS over TLS upstream client (RFC 7858): one persistent, authenticated connection per upstream, many queries
 * pipelined on it and answered in any order, matched by message ID and question (RFC 7766 §6.2.1.1).
 *
 * - The client picks the on-the-wire ID itself (unique among in-flight queries on the connection) and puts the
 *   caller's ID back into the reply, so two callers with the same random ID cannot collide.
 * - Idle connections are closed after DOT_LIMITS.idleTimeoutMs (RFC 7858 §3.4, RFC 7766 §6.2.3).
 * - A failed connect or handshake marks the upstream down for a backoff that doubles up to maxBackoffMs;
 *   queries during the backoff fail at once (the forwarding pool moves to the next upstream) and the first
 *   query after it reconnects.
 * - A connection that closes with queries in flight: each is written once more on a fresh connection when the
 *   lost one was opened before it (a server's idle close, RFC 7766 §6.2.3); otherwise it fails with NETWORK and the
 *   forwarding pool asks the next upstream.
 */
import type tls from 'node:tls';
import { TransportError } from './transport.js';
import { FrameReader, frame } from '../wire/stream-framing.js';
import { replyMatchesQuery } from './udp.js';
import { connectTls } from './tls-connect.js';
import type { UpstreamClient, UpstreamQueryOptions } from './upstream.js';
import { describeUpstream, type Upstream } from '../forward/upstream-url.js';
import { ConnectBackoff } from './backoff.js';

export const DOT_LIMITS = {
  /** RFC 7766 §6.2.3 suggests seconds, not minutes; Unbound's tcp-idle-timeout is 30 s, servers often 10 s. */
  idleTimeoutMs: 10_000,
  /** TCP connect plus TLS handshake. */
  connectTimeoutMs: 2_000,
  /** Queries in flight on one connection; more wait for a slot (within their own timeout). */
  maxInFlight: 256,
};

/** The connection a query was written on went away before its reply (server close, reset, idle close). */
class ConnectionLost extends TransportError {
  constructor(message: string) {
    super('NETWORK', message);
  }
}

interface Pending {
  socket: tls.TLSSocket;
  sent: Uint8Array;
  callerId: number;
  resolve: (reply: Uint8Array) => void;
  reject: (err: TransportError) => void;
}

export class DotClient implements UpstreamClient {
  readonly encrypted = true;
  /** Connections opened so far (for logs and tests). */
  connectionsOpened = 0;
  private socket: tls.TLSSocket | undefined;
  private connecting: Promise<tls.TLSSocket> | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly slotWaiters: Array<() => void> = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly backoff = new ConnectBackoff();
  private closed = false;
  private readonly label: string;

  constructor(readonly upstream: Upstream, private readonly ca?: string | Buffer) {
    this.label = describeUpstream(upstream);
  }

  async query(wire: Uint8Array, opts: UpstreamQueryOptions): Promise<Uint8Array> {
    if (this.closed) throw new TransportError('ABORTED', `${this.label}: client closed`);
    this.backoff.refuseWhileDown(Date.now(), this.socket !== undefined, this.label);
    const deadline = Date.now() + opts.timeoutMs;
    await this.slot(opts, deadline);
    const reused = this.socket !== undefined;
    const socket = await this.connection(opts, deadline);
    try {
      return await this.send(socket, wire, opts, deadline);
    } catch (e) {
      // RFC 7766 §6.2.3 / RFC 7858 §3.4: a server may close an idle connection at any time. A query caught by
      // that on a connection opened earlier is written once more on a fresh one; other failures stand.
      if (!(e instanceof ConnectionLost) || !reused || Date.now() >= deadline || this.closed) throw e;
      return this.send(await this.connection(opts, deadline), wire, opts, deadline);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of [...this.pending.values()]) p.reject(new TransportError('ABORTED', `${this.label}: client closed`));
    this.socket?.destroy();
    this.socket = undefined;
    clearTimeout(this.idleTimer);
  }

  private slot(opts: UpstreamQueryOptions, deadline: number): Promise<void> {
    if (this.pending.size < DOT_LIMITS.maxInFlight) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.slotWaiters.indexOf(go);
        if (i >= 0) this.slotWaiters.splice(i, 1);
        reject(new TransportError('TIMEOUT', `${this.label}: no free pipelining slot within ${opts.timeoutMs} ms`));
      }, Math.max(1, deadline - Date.now()));
      const go = (): void => { clearTimeout(timer); resolve(); };
      this.slotWaiters.push(go);
    });
  }

  private async connection(opts: UpstreamQueryOptions, deadline: number): Promise<tls.TLSSocket> {
    if (this.socket) return this.socket;
    if (!this.connecting) {
      this.connecting = this.open(Math.min(DOT_LIMITS.connectTimeoutMs, Math.max(1, deadline - Date.now())));
      this.connecting.finally(() => { this.connecting = undefined; }).catch(() => {});
    }
    const socket = await this.connecting;
    if (opts.signal?.aborted) throw new TransportError('ABORTED', `query to ${this.label} aborted`);
    return socket;
  }

  private async open(timeoutMs: number): Promise<tls.TLSSocket> {
    const auth = this.upstream.auth!;
    let socket: tls.TLSSocket;
    try {
      socket = await connectTls({ host: this.upstream.host, port: this.upstream.port, auth, alpn: 'dot', connectTimeoutMs: timeoutMs, ...(this.ca !== undefined ? { ca: this.ca } : {}) });
    } catch (e) {
      this.backoff.failed(Date.now(), e instanceof Error ? e.message : String(e));
      throw e;
    }
    this.backoff.succeeded();
    this.connectionsOpened++;
    if (this.closed) {
      socket.destroy();
      throw new TransportError('ABORTED', `${this.label}: client closed`);
    }
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      for (let msg = reader.take(); msg; msg = reader.take()) this.onReply(msg);
    });
    const onGone = (why: string): void => {
      if (this.socket === socket) this.socket = undefined;
      // Only the queries written on this connection: a late 'close' of an old one must not fail a new one's.
      for (const p of [...this.pending.values()]) if (p.socket === socket) p.reject(new ConnectionLost(`${this.label}: connection ${why} with queries in flight`));
    };
    socket.on('error', (err: NodeJS.ErrnoException) => onGone(`failed (${err.code ?? err.message})`));
    socket.on('close', () => onGone('closed'));
    socket.on('end', () => { onGone('closed by the server'); socket.end(); });
    this.socket = socket;
    this.armIdle();
    return socket;
  }

  private send(socket: tls.TLSSocket, wire: Uint8Array, opts: UpstreamQueryOptions, deadline: number): Promise<Uint8Array> {
    if (wire.length < 12) return Promise.reject(new TransportError('MALFORMED', 'query shorter than a DNS header'));
    return new Promise<Uint8Array>((resolve, reject) => {
      const id = this.freeId();
      const sent = Uint8Array.from(wire);
      sent[0] = id >>> 8;
      sent[1] = id & 0xff;
      const callerId = (wire[0]! << 8) | wire[1]!;
      const done = (): void => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (this.pending.get(id) === entry) this.pending.delete(id);
        this.slotWaiters.shift()?.();
        this.armIdle();
      };
      const entry: Pending = {
        socket,
        sent,
        callerId,
        resolve: (reply) => { done(); resolve(reply); },
        reject: (err) => { done(); reject(err); },
      };
      const onAbort = (): void => entry.reject(new TransportError('ABORTED', `query to ${this.label} aborted`));
      const timer = setTimeout(() => entry.reject(new TransportError('TIMEOUT', `no reply from ${this.label} within ${opts.timeoutMs} ms`)), Math.max(1, deadline - Date.now()));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, entry);
      clearTimeout(this.idleTimer);
      socket.write(frame(sent));
    });
  }

  /** RFC 7766 §6.2.1.1: replies may come in any order; match on ID, then check the question. */
  private onReply(reply: Uint8Array): void {
    if (reply.length < 12) return;
    const id = (reply[0]! << 8) | reply[1]!;
    const p = this.pending.get(id);
    if (!p || !replyMatchesQuery(p.sent, reply)) return; // late reply to a timed-out query, or junk: ignore
    const out = Uint8Array.from(reply);
    out[0] = p.callerId >>> 8;
    out[1] = p.callerId & 0xff;
    p.resolve(out);
  }

  private freeId(): number {
    const buf = new Uint16Array(1);
    for (;;) {
      globalThis.crypto.getRandomValues(buf);
      if (!this.pending.has(buf[0]!)) return buf[0]!;
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (!this.socket || this.pending.size > 0) return;
    const socket = this.socket;
    this.idleTimer = setTimeout(() => {
      if (this.socket === socket && this.pending.size === 0) {
        this.socket = undefined;
        socket.end();
      }
    }, DOT_LIMITS.idleTimeoutMs);
    this.idleTimer.unref();
  }
}
