/**
 * Upstream DNS over UDP: one fresh socket per query, bound to port 0 so the OS picks a random source port
 * (RFC 5452 §10: port and ID randomisation). The caller picks the random query ID.
 *
 * The socket is connected to the server, so the kernel drops datagrams from any other address/port and an
 * ICMP port-unreachable surfaces as ECONNREFUSED at once. A datagram whose ID or question does not match the
 * query is ignored and we keep waiting (RFC 5452 §9.1): a spoofer can at most make the query time out.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { TransportError } from './transport.js';
import type { QueryOptions, ServerAddress } from './transport.js';

const HEADER_LENGTH = 12;
/** RFC 1035 §2.3.4 / §4.2.1: a UDP DNS message cannot exceed what fits a 16-bit length anyway. */
export const MAX_MESSAGE_SIZE = 65535;

/** ASCII-only case folding (RFC 4343 §3): bytes >= 0x80 are compared as they are. */
function fold(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

/**
 * Offset just after the question section, or -1 when it is malformed. Questions are the first names of a
 * message, so a compression pointer there could only point into the header: treat it as malformed.
 */
function questionEnd(msg: Uint8Array): number {
  if (msg.length < HEADER_LENGTH) return -1;
  const qdcount = (msg[4]! << 8) | msg[5]!;
  let pos = HEADER_LENGTH;
  for (let q = 0; q < qdcount; q++) {
    for (;;) {
      if (pos >= msg.length) return -1;
      const len = msg[pos]!;
      if (len === 0) { pos += 1; break; }
      if (len > 63) return -1;
      pos += 1 + len;
    }
    pos += 4;
    if (pos > msg.length) return -1;
  }
  return pos;
}

/**
 * True when `reply` answers `query`: QR set, same ID, same QDCOUNT and the same question section
 * (names compared case-insensitively, type and class exactly) — RFC 5452 §9.1.
 */
export function replyMatchesQuery(query: Uint8Array, reply: Uint8Array): boolean {
  if (reply.length < HEADER_LENGTH || query.length < HEADER_LENGTH) return false;
  if (reply[0] !== query[0] || reply[1] !== query[1]) return false;
  if ((reply[2]! & 0x80) === 0) return false;
  if (reply[4] !== query[4] || reply[5] !== query[5]) return false;
  const qEnd = questionEnd(query);
  const rEnd = questionEnd(reply);
  if (qEnd < 0 || rEnd !== qEnd) return false;
  return sameQuestions(query, reply, qEnd);
}

function sameQuestions(a: Uint8Array, b: Uint8Array, end: number): boolean {
  let pos = HEADER_LENGTH;
  while (pos < end) {
    // Name: length bytes compared exactly, label bytes folded.
    for (;;) {
      const len = a[pos]!;
      if (b[pos] !== len) return false;
      pos += 1;
      if (len === 0) break;
      for (let i = 0; i < len; i++, pos++) if (fold(a[pos]!) !== fold(b[pos]!)) return false;
    }
    for (let i = 0; i < 4; i++, pos++) if (a[pos] !== b[pos]) return false;
  }
  return true;
}

/** Maps a socket error to a stable transport code. */
export function socketErrorCode(err: NodeJS.ErrnoException): 'REFUSED' | 'NETWORK' {
  return err.code === 'ECONNREFUSED' ? 'REFUSED' : 'NETWORK';
}

function describe(server: ServerAddress): string {
  return isIPv6(server.address) ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
}

/** Sends one query over UDP and resolves with the first matching reply. */
export function udpQuery(server: ServerAddress, query: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
  if (query.length > MAX_MESSAGE_SIZE) {
    return Promise.reject(new TransportError('TOO_LARGE', `query of ${query.length} octets exceeds ${MAX_MESSAGE_SIZE}`));
  }
  if (opts.signal?.aborted) return Promise.reject(new TransportError('ABORTED', `query to ${describe(server)} aborted`));
  return new Promise<Uint8Array>((resolve, reject) => {
    const socket = dgram.createSocket(isIPv6(server.address) ? 'udp6' : 'udp4');
    let settled = false;
    const finish = (err: TransportError | undefined, reply?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      try { socket.close(); } catch { /* already closed */ }
      if (err) reject(err); else resolve(reply!);
    };
    const onAbort = (): void => finish(new TransportError('ABORTED', `query to ${describe(server)} aborted`));
    const timer = setTimeout(
      () => finish(new TransportError('TIMEOUT', `no matching UDP reply from ${describe(server)} within ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      finish(new TransportError(socketErrorCode(err), `UDP to ${describe(server)}: ${err.code ?? err.message}`));
    });
    socket.on('message', (msg, rinfo) => {
      // The connected socket already filters by peer; check again so a kernel quirk cannot let one through.
      if (rinfo.port !== server.port || !sameAddress(rinfo.address, server.address)) return;
      const reply = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      if (!replyMatchesQuery(query, reply)) return; // RFC 5452 §9.1: ignore, keep waiting
      finish(undefined, Uint8Array.from(reply));
    });
    socket.bind(0, () => {
      socket.connect(server.port, server.address, (err?: Error) => {
        if (settled) return;
        if (err) return finish(new TransportError('NETWORK', `UDP connect to ${describe(server)}: ${err.message}`));
        socket.send(query, (sendErr) => {
          if (sendErr) finish(new TransportError(socketErrorCode(sendErr as NodeJS.ErrnoException), `UDP send to ${describe(server)}: ${sendErr.message}`));
        });
      });
    });
  });
}

/** Compares two IP literals; IPv6 text forms differ (case, zero compression), so normalise through URL. */
function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  if (!isIPv6(a) || !isIPv6(b)) return false;
  try {
    return new URL(`http://[${a}]/`).hostname === new URL(`http://[${b}]/`).hostname;
  } catch {
    return false;
  }
}
