/**
 * Upstream DNS over TCP (RFC 7766, RFC 1035 §4.2.2): each message is preceded by a two-byte length.
 * One connection per query, a connect timeout and a reply timeout (which also bounds a server trickling its
 * reply), replies reassembled from partial reads by the shared FrameReader (resolver/wire/stream-framing.ts),
 * and a cap on the announced length. The reply must match the query's ID and question (RFC 5452 §9.1);
 * with one query per connection a mismatch is a broken server, reported as MALFORMED.
 */
import net from 'node:net';
import { TransportError } from './transport.js';
import type { QueryOptions, ServerAddress } from './transport.js';
import { MAX_MESSAGE_SIZE, replyMatchesQuery, socketErrorCode } from './udp.js';
import { FrameReader, frame } from '../wire/stream-framing.js';

export interface TcpOptions {
  /** Largest reply accepted; the two-byte framing caps it at 65535 anyway. */
  maxReplySize?: number;
}

function describe(server: ServerAddress): string {
  return net.isIPv6(server.address) ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
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
