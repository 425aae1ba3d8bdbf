/** The chain a TLS peer presented, from Node's TLSSocket, as X509Certificate objects (leaf first). */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

/**
 * Walks `issuerCertificate` links of the detailed peer certificate. With `rejectUnauthorized: false` Node
 * exposes the certificates as the peer sent them; the walk stops at a self-reference or a repeat.
 */
export function peerChain(socket: TLSSocket): X509Certificate[] {
  const first = socket.getPeerCertificate(true) as DetailedPeerCertificate | Record<string, never>;
  return chainFromDetailed(first);
}

export function chainFromDetailed(first: DetailedPeerCertificate | Record<string, never>): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = 'raw' in first && first.raw ? (first as DetailedPeerCertificate) : undefined;
  while (cur && cur.raw) {
    const key = cur.raw.toString('base64');
    if (seen.has(key)) break;
    seen.add(key);
    out.push(new X509Certificate(cur.raw));
    cur = cur.issuerCertificate;
  }
  return out;
}

/** dNSName entries of a certificate's subjectAltName, in order. */
export function dnsNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName ?? '';
  return san
    .split(/,\s*/)
    .filter((e) => e.startsWith('DNS:'))
    .map((e) => e.slice(4));
}
