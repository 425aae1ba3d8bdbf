/**
 * Opening an authenticated TLS connection to an encrypted upstream (DoT, DoH), shared by both transports.
 *
 * RFC 7858 §4.2 / RFC 8310 §5 strict profile: the connection is used only when the server proved who it is.
 * - With an authentication name: the certificate chain must verify against the CA bundle (`--forward-ca`, or
 *   Node's bundled store) and the name must match the certificate (RFC 6125 via tls.checkServerIdentity).
 * - With SPKI pins (RFC 7858 §4.2, RFC 7469 §2.4): the SHA-256 of the DER SubjectPublicKeyInfo of one
 *   certificate of the presented chain must equal one pin. Pins alone authenticate (RFC 7858's
 *   out-of-band key-pinned profile); with a name too, both checks must pass.
 * Anything else destroys the socket before a query is written.
 */
import tls from 'node:tls';
import { createHash, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { TransportError } from './transport.js';
import type { TlsAuth } from '../forward/upstream-url.js';

export interface TlsTarget {
  host: string;
  port: number;
  auth: TlsAuth;
  /** PEM CA bundle; undefined: Node's default trust store. */
  ca?: string | Buffer;
  /** ALPN protocol to offer: 'dot' (RFC 7858 has none registered; IANA lists "dot") or 'h2'. */
  alpn: string;
  connectTimeoutMs: number;
  signal?: AbortSignal;
}

/** base64 SHA-256 of a certificate's DER SubjectPublicKeyInfo (the pin format of RFC 7469 §2.4). */
export function spkiPin(certDer: Uint8Array): Buffer {
  const spki = new X509Certificate(certDer).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest();
}

/** The DER certificates the server presented, leaf first (Node links them through issuerCertificate). */
function presentedChain(socket: tls.TLSSocket): Buffer[] {
  const out: Buffer[] = [];
  let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return out;
}

/** Why the server is not authenticated, or undefined when it is. */
export function authenticationProblem(socket: tls.TLSSocket, auth: TlsAuth): string | undefined {
  if (auth.name !== undefined && !socket.authorized) {
    return `certificate not valid for ${auth.name}: ${String(socket.authorizationError ?? 'unknown error')}`;
  }
  if (auth.pins.length > 0) {
    const chain = presentedChain(socket);
    const pins = chain.map(spkiPin);
    if (!pins.some((p) => auth.pins.some((want) => Buffer.compare(p, want) === 0))) {
      return `no certificate of the chain matches the SPKI pins (presented ${pins.map((p) => `sha256/${p.toString('base64')}`).join(', ') || 'none'})`;
    }
  }
  return undefined;
}

/** Connects, completes the handshake and authenticates the server; rejects with a TransportError otherwise. */
export function connectTls(t: TlsTarget): Promise<tls.TLSSocket> {
  const label = `${isIP(t.host) === 6 ? `[${t.host}]` : t.host}:${t.port}`;
  if (t.signal?.aborted) return Promise.reject(new TransportError('ABORTED', `TLS connect to ${label} aborted`));
  return new Promise((resolve, reject) => {
    const name = t.auth.name;
    const options: tls.ConnectionOptions = {
      host: t.host,
      port: t.port,
      ALPNProtocols: [t.alpn],
      // Checked by hand in authenticationProblem() so pins-only upstreams work and every failure has one message.
      rejectUnauthorized: false,
      ...(t.ca !== undefined ? { ca: t.ca } : {}),
      // SNI carries host names only (RFC 6066 §3); an IP authentication name is matched against IP SANs.
      ...(name !== undefined && isIP(name) === 0 ? { servername: name } : {}),
      checkServerIdentity: (_host, cert) => (name === undefined ? undefined : tls.checkServerIdentity(name, cert)),
    };
    const socket = tls.connect(options);
    // Queries are small and often sent back to back (a chain walk, pipelining): without TCP_NODELAY, Nagle's
    // algorithm holds the second write until the first is ACKed, and delayed ACKs make that ~40 ms.
    socket.setNoDelay(true);
    let settled = false;
    const finish = (err?: TransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      t.signal?.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        resolve(socket);
      }
    };
    const onAbort = (): void => finish(new TransportError('ABORTED', `TLS connect to ${label} aborted`));
    const onError = (err: NodeJS.ErrnoException): void => finish(new TransportError(err.code === 'ECONNREFUSED' ? 'REFUSED' : 'NETWORK', `TLS to ${label}: ${err.code ?? err.message}`));
    const timer = setTimeout(() => finish(new TransportError('TIMEOUT', `TLS handshake with ${label} took longer than ${t.connectTimeoutMs} ms`)), t.connectTimeoutMs);
    t.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onError);
    socket.once('secureConnect', () => {
      const problem = authenticationProblem(socket, t.auth);
      if (problem) return finish(new TransportError('AUTH', `TLS upstream ${label} refused: ${problem}`));
      finish();
    });
  });
}
