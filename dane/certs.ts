/**
 * Certificates as the matcher sees them: a peer chain (leaf first, as sent in TLS) or a raw public key
 * (RFC 7250). Parsing uses Node's OpenSSL-backed X509Certificate.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';

/** What the peer presented: an X.509 chain, leaf first, or a bare SubjectPublicKeyInfo (RFC 7250). */
export type PeerCredential =
  | { readonly kind: 'chain'; readonly chain: readonly X509Certificate[] }
  | { readonly kind: 'rpk'; readonly spki: Uint8Array };

export class CertificateError extends Error {
  readonly code = 'DANE_CERT';
  constructor(message: string) {
    super(message);
    this.name = 'CertificateError';
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text, in file order. */
export function parsePemChain(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new CertificateError('no "BEGIN CERTIFICATE" block found');
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new CertificateError(`certificate #${i} does not parse: ${(e as Error).message}`);
    }
  });
}

/** A chain credential from certificates (leaf first). */
export function chainCredential(chain: readonly X509Certificate[]): PeerCredential {
  if (chain.length === 0) throw new CertificateError('empty certificate chain');
  return { kind: 'chain', chain: [...chain] };
}

/** A raw-public-key credential; the SPKI DER is checked to parse as a public key. */
export function rpkCredential(spki: Uint8Array): PeerCredential {
  try {
    createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (e) {
    throw new CertificateError(`raw public key is not a DER SubjectPublicKeyInfo: ${(e as Error).message}`);
  }
  return { kind: 'rpk', spki: Uint8Array.from(spki) };
}

/** A certificate as a DER-keyed identity string (for "is this the same certificate" tests). */
export function certKey(c: X509Certificate): string {
  return c.raw.toString('base64');
}

/** The name checks of RFC 6125 via OpenSSL's X509_check_host; names compared without the trailing dot. */
export function certMatchesName(cert: X509Certificate, names: readonly string[]): string | null {
  for (const raw of names) {
    const host = raw.endsWith('.') ? raw.slice(0, -1) : raw;
    // checkHost is case-sensitive on some OpenSSL paths for the reference id; DNS names are not (RFC 4343).
    // No partial-label wildcards (`f*.example.com`), as OpenSSL's DANE support sets for its peer names.
    if (cert.checkHost(host.toLowerCase(), { partialWildcards: false }) !== undefined) return host;
  }
  return null;
}
