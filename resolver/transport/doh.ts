/**
 * DNS over HTTPS upstream client (RFC 8484) over HTTP/2 (node:http2): one authenticated session per upstream,
 * reused for every query (streams are multiplexed, RFC 8484 §5.2 / RFC 7540 §9.1), POST with an
 * application/dns-message body or GET with the `dns` parameter in base64url (RFC 8484 §4.1).
 *
 * RFC 8484 §4.1: the DNS ID SHOULD be 0 so equal queries are cache-friendly; the caller's ID is restored in the
 * reply. A reply counts only with status 200, content type application/dns-message, at most 65535 octets and
 * the query's question (RFC 5452 §9.1). A session that fails to connect or authenticate sets the reconnect
 * backoff, as for DoT.
 */
import http2 from 'node:http2';
import { TransportError } from './transport.js';
import { replyMatchesQuery, MAX_MESSAGE_SIZE } from './udp.js';
import { connectTls } from './tls-connect.js';
import type { UpstreamClient, UpstreamQueryOptions } from './upstream.js';
import { describeUpstream, type Upstream } from '../forward/upstream-url.js';
import { ConnectBackoff } from './backoff.js';
import { DOT_LIMITS } from './dot.js';

/** RFC 8484 §6: the media type of DNS messages over HTTP. */
const DNS_MESSAGE = 'application/dns-message';

export const DOH_LIMITS = {
  /** Idle HTTP/2 sessions are closed after this long (same reasoning as DoT). */
  idleTimeoutMs: DOT_LIMITS.idleTimeoutMs,
  /** TCP connect plus TLS handshake. */
  connectTimeoutMs: DOT_LIMITS.connectTimeoutMs,
};

export class DohClient implements UpstreamClient {
  readonly encrypted = true;
  /** Sessions (connections) opened so far (for logs and tests). */
  connectionsOpened = 0;
  private session: http2.ClientHttp2Session | undefined;
  private connecting: Promise<http2.ClientHttp2Session> | undefined;
  private readonly backoff = new ConnectBackoff();
  private closed = false;
  private readonly label: string;

  constructor(readonly upstream: Upstream, private readonly ca?: string | Buffer) {
    this.label = describeUpstream(upstream);
  }

  async query(wire: Uint8Array, opts: UpstreamQueryOptions): Promise<Uint8Array> {
    if (this.closed) throw new TransportError('ABORTED', `${this.label}: client closed`);
    if (wire.length < 12) throw new TransportError('MALFORMED', 'query shorter than a DNS header');
    this.backoff.refuseWhileDown(Date.now(), this.session !== undefined, this.label);
    const deadline = Date.now() + opts.timeoutMs;
    const session = await this.connection(deadline);
    const sent = Uint8Array.from(wire);
    sent[0] = 0;
    sent[1] = 0;
    const body = await this.exchange(session, sent, opts, deadline);
    if (!replyMatchesQuery(sent, body)) throw new TransportError('MALFORMED', `reply from ${this.label} does not match the query ID/question`);
    const out = Uint8Array.from(body);
    out[0] = wire[0]!;
    out[1] = wire[1]!;
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }

  private async connection(deadline: number): Promise<http2.ClientHttp2Session> {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    this.session = undefined;
    if (!this.connecting) {
      this.connecting = this.open(Math.min(DOH_LIMITS.connectTimeoutMs, Math.max(1, deadline - Date.now())));
      this.connecting.finally(() => { this.connecting = undefined; }).catch(() => {});
    }
    return this.connecting;
  }

  private async open(timeoutMs: number): Promise<http2.ClientHttp2Session> {
    const u = this.upstream;
    let socket;
    try {
      socket = await connectTls({ host: u.host, port: u.port, auth: u.auth!, alpn: 'h2', connectTimeoutMs: timeoutMs, ...(this.ca !== undefined ? { ca: this.ca } : {}) });
      if (socket.alpnProtocol !== 'h2') {
        socket.destroy();
        throw new TransportError('NETWORK', `${this.label} did not agree to HTTP/2 (ALPN ${String(socket.alpnProtocol)})`);
      }
    } catch (e) {
      this.backoff.failed(Date.now(), e instanceof Error ? e.message : String(e));
      throw e;
    }
    this.backoff.succeeded();
    this.connectionsOpened++;
    const authority = `https://${u.host.includes(':') ? `[${u.host}]` : u.host}:${u.port}`;
    const session = http2.connect(authority, { createConnection: () => socket });
    session.on('error', () => { if (this.session === session) this.session = undefined; });
    session.on('close', () => { if (this.session === session) this.session = undefined; });
    session.on('goaway', () => { if (this.session === session) this.session = undefined; });
    session.setTimeout(DOH_LIMITS.idleTimeoutMs, () => session.close());
    // An idle session must not keep the process alive.
    session.unref();
    if (this.closed) {
      session.destroy();
      throw new TransportError('ABORTED', `${this.label}: client closed`);
    }
    this.session = session;
    return session;
  }

  private exchange(session: http2.ClientHttp2Session, sent: Uint8Array, opts: UpstreamQueryOptions, deadline: number): Promise<Uint8Array> {
    const u = this.upstream;
    const headers: http2.OutgoingHttpHeaders = u.method === 'GET'
      ? { ':method': 'GET', ':path': `${u.path}?dns=${Buffer.from(sent).toString('base64url')}`, accept: DNS_MESSAGE }
      : { ':method': 'POST', ':path': u.path!, accept: DNS_MESSAGE, 'content-type': DNS_MESSAGE, 'content-length': sent.length };
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const stream = session.request(headers, { endStream: u.method === 'GET' });
      const finish = (err: TransportError | undefined, body?: Uint8Array): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) { stream.close(http2.constants.NGHTTP2_CANCEL); reject(err); } else resolve(body!);
      };
      const onAbort = (): void => finish(new TransportError('ABORTED', `query to ${this.label} aborted`));
      const timer = setTimeout(() => finish(new TransportError('TIMEOUT', `no reply from ${this.label} within ${opts.timeoutMs} ms`)), Math.max(1, deadline - Date.now()));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('response', (h) => {
        const status = Number(h[':status']);
        const type = String(h['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (status !== 200) finish(new TransportError('HTTP', `${this.label} answered HTTP ${status}`));
        else if (type !== DNS_MESSAGE) finish(new TransportError('HTTP', `${this.label} answered content type ${JSON.stringify(type)}, not ${DNS_MESSAGE}`));
      });
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_MESSAGE_SIZE) return finish(new TransportError('TOO_LARGE', `reply from ${this.label} exceeds ${MAX_MESSAGE_SIZE} octets`));
        chunks.push(chunk);
      });
      stream.on('end', () => finish(undefined, Uint8Array.from(Buffer.concat(chunks))));
      stream.on('error', (err: Error) => finish(new TransportError('NETWORK', `${this.label}: ${err.message}`)));
      stream.on('close', () => finish(new TransportError('NETWORK', `${this.label}: stream closed before a reply`)));
      if (u.method !== 'GET') stream.end(sent);
    });
  }
}
