/**
 * Upstream DNS over TCP (RFC 7766, RFC 1035 §4.2.2): each message is preceded by a two-byte length.
 * One connection per query, a connect timeout and a reply timeout, replies reassembled from partial reads,
 * and a cap on the announced length. The reply must match the query's ID and question (RFC 5452 §9.1);
 * with one query per connection a mismatch is a broken server, reported as MALFORMED.
 */
import net from 'node:net';
import { TransportError } from './transport.js';
import type { QueryOptions, ServerAddress } from './transport.js';
import { MAX_MESSAGE_SIZE, replyMatchesQuery, socketErrorCode } from './udp.js';

export interface TcpOptions {
  /** Largest reply accepted; the two-byte framing caps it at 65535 anyway. */
  maxReplySize?: number;
}

function describe(server: ServerAddress): string {
  return net.isIPv6(server.address) ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
}

/** Accumulates stream chunks and yields the first length-prefixed message once complete. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The announced length of the next message, or undefined before two bytes arrived. */
  announcedLength(): number | undefined {
    if (this.buffered < 2) return undefined;
    const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return head.readUInt16BE(0);
  }

  /** Removes and returns one whole message, or undefined when it is not complete yet. */
  take(): Uint8Array | undefined {
    const len = this.announcedLength();
    if (len === undefined || this.buffered < 2 + len) return undefined;
    const all = Buffer.concat(this.chunks);
    const msg = Uint8Array.from(all.subarray(2, 2 + len));
    const rest = all.subarray(2 + len);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return msg;
  }
}

/** Prefixes a message with its two-byte length (RFC 1035 §4.2.2). */
export function frame(msg: Uint8Array): Buffer {
  const out = Buffer.alloc(2 + msg.length);
  out.writeUInt16BE(msg.length, 0);
  out.set(msg, 2);
  return out;
}

/** Sends one query over a fresh TCP connection and resolves with the reply. */
export function tcpQuery(server: ServerAddress, query: Uint8Array, opts: QueryOptions, tcpOpts: TcpOptions = {}): Promise<Uint8Array> {
  const cap = Math.min(tcpOpts.maxReplySize ?? MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE);
  if (query.length > MAX_MESSAGE_SIZE) {
    return Promise.reject(new TransportError('TOO_LARGE', `query of ${query.length} octets exceeds ${MAX_MESSAGE_SIZE}`));
  }
  if (opts.signal?.aborted) return Promise.reject(new TransportError('ABORTED', `query to ${describe(server)} aborted`));
  return new Promise<Uint8Array>((resolve, reject) => {
    const reader = new FrameReader();
    const socket = net.connect({ host: server.address, port: server.port });
    let settled = false;
    let timer: NodeJS.Timeout;
    const finish = (err: TransportError | undefined, reply?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(err); else resolve(reply!);
    };
    const arm = (phase: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(new TransportError('TIMEOUT', `TCP ${phase} ${describe(server)} timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
    };
    const onAbort = (): void => finish(new TransportError('ABORTED', `query to ${describe(server)} aborted`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    arm('connect to');
    socket.on('connect', () => {
      arm('reply from');
      socket.write(frame(query));
    });
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      const len = reader.announcedLength();
      if (len !== undefined && len > cap) {
        return finish(new TransportError('TOO_LARGE', `TCP reply of ${len} octets from ${describe(server)} exceeds ${cap}`));
      }
      const reply = reader.take();
      if (!reply) return;
      if (!replyMatchesQuery(query, reply)) {
        return finish(new TransportError('MALFORMED', `TCP reply from ${describe(server)} does not match the query ID/question`));
      }
      finish(undefined, reply);
    });
    socket.on('end', () => finish(new TransportError('NETWORK', `TCP connection to ${describe(server)} closed before a full reply`)));
    socket.on('close', () => finish(new TransportError('NETWORK', `TCP connection to ${describe(server)} closed`)));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(new TransportError(socketErrorCode(err), `TCP to ${describe(server)}: ${err.code ?? err.message}`));
    });
  });
}
