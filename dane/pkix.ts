/**
 * PKIX path validation (RFC 5280 §6) with pkijs's CertificateChainValidationEngine: path building, validity
 * dates, name chaining, basicConstraints/keyUsage of CA certificates, unparseable critical extensions, name
 * constraints and policies. Signatures are checked by Node's OpenSSL (X509Certificate.verify) through the
 * engine's findIssuer hook, because pkijs's WebCrypto layer lacks Ed25519/Ed448 certificate signatures.
 * pathLenConstraint (RFC 5280 §6.1.4 (l)-(m)), which pkijs does not enforce, is checked here.
 */
import { X509Certificate, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import * as pkijs from 'pkijs';
import { parsePemChain } from './certs.js';

let engineReady = false;
function ensureEngine(): void {
  if (engineReady) return;
  pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] }));
  engineReady = true;
}

/** Trust anchors for PKIX-TA(0) and PKIX-EE(1): parsed once, reused. */
export interface TrustStore {
  readonly certs: readonly X509Certificate[];
  readonly label: string;
}

/** The trust store from a PEM CA file (`--ca-file`). */
export function trustStoreFromFile(path: string): TrustStore {
  return { certs: parsePemChain(readFileSync(path, 'utf8')), label: path };
}

export function trustStoreFromPem(pem: string, label = 'PEM'): TrustStore {
  return { certs: parsePemChain(pem), label };
}

let systemStore: TrustStore | undefined;
/** Node's bundled root store (the Mozilla CA list Node ships), parsed on first use. */
export function systemTrustStore(): TrustStore {
  systemStore ??= { certs: rootCertificates.map((p) => new X509Certificate(p)), label: 'system' };
  return systemStore;
}

export type PathResult =
  | { readonly ok: true; readonly path: readonly X509Certificate[] }
  | { readonly ok: false; readonly reason: string };

interface Pair {
  readonly node: X509Certificate;
  readonly pk: pkijs.Certificate;
}

function toPair(c: X509Certificate): Pair {
  return { node: c, pk: pkijs.Certificate.fromBER(new Uint8Array(c.raw)) };
}

/**
 * Validates the leaf `chain[0]` up to one of `anchors`, using the rest of `chain` as untrusted intermediates,
 * at time `now`. Returns the path leaf first, ending with the anchor.
 */
export async function validatePath(
  chain: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  now: Date,
): Promise<PathResult> {
  ensureEngine();
  const leaf = chain[0];
  if (leaf === undefined) return { ok: false, reason: 'empty chain' };
  const leafIsAnchor = anchors.find((a) => a.raw.equals(leaf.raw));
  if (leafIsAnchor) return leafAnchored(leaf, now);
  const all = [...anchors, ...chain].map(toPair);
  const byPk = new Map<pkijs.Certificate, X509Certificate>(all.map((p) => [p.pk, p.node]));
  const trusted = all.slice(0, anchors.length).map((p) => p.pk);
  // pkijs takes the last of `certs` as the leaf.
  const untrusted = all.slice(anchors.length);
  const certs = [...untrusted.slice(1).map((p) => p.pk), untrusted[0]!.pk];
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: trusted,
    certs,
    checkDate: now,
    findIssuer: async (cert: pkijs.Certificate, eng: pkijs.CertificateChainValidationEngine) =>
      findIssuerWithOpenSsl(cert, eng, byPk),
  });
  let result: pkijs.CertificateChainValidationEngineVerifyResult;
  try {
    result = await engine.verify({ passedWhenNotRevValues: true });
  } catch (e) {
    return { ok: false, reason: describe(e) };
  }
  if (!result.result || !result.certificatePath) return { ok: false, reason: result.resultMessage || 'path validation failed' };
  const path = result.certificatePath.map((pk) => byPk.get(pk)!);
  const lenProblem = pathLenViolation(path);
  if (lenProblem) return { ok: false, reason: lenProblem };
  return { ok: true, path };
}

/** A leaf that is itself a trust anchor: only its own validity remains to check. */
function leafAnchored(leaf: X509Certificate, now: Date): PathResult {
  const t = now.getTime();
  if (t < Date.parse(leaf.validFrom) || t > Date.parse(leaf.validTo)) {
    return { ok: false, reason: 'the certificate is either not yet valid or expired' };
  }
  return { ok: true, path: [leaf] };
}

/** Candidates whose subject names the issuer, kept when OpenSSL verifies the signature with their key. */
async function findIssuerWithOpenSsl(
  cert: pkijs.Certificate,
  eng: pkijs.CertificateChainValidationEngine,
  byPk: Map<pkijs.Certificate, X509Certificate>,
): Promise<pkijs.Certificate[]> {
  const child = byPk.get(cert);
  if (!child) return [];
  const found: pkijs.Certificate[] = [];
  for (const cand of [...eng.trustedCerts, ...eng.certs]) {
    const parent = byPk.get(cand);
    if (!parent) continue;
    // checkIssued: issuer name and AKI/SKI agree (X509_check_issued); verify: the signature itself.
    if (child.checkIssued(parent) && child.verify(parent.publicKey)) found.push(cand);
  }
  return found;
}

/** RFC 5280 §6.1.4 (m): a CA's pathLenConstraint bounds the non-self-issued intermediates below it. */
export function pathLenViolation(path: readonly X509Certificate[]): string | null {
  for (let i = path.length - 1; i >= 1; i--) {
    const limit = pathLenOf(path[i]!);
    if (limit === undefined) continue;
    let below = 0;
    for (let j = i - 1; j >= 1; j--) if (path[j]!.subject !== path[j]!.issuer) below++;
    if (below > limit) return `pathLenConstraint ${limit} of "${path[i]!.subject}" exceeded by ${below} intermediates`;
  }
  return null;
}

function pathLenOf(c: X509Certificate): number | undefined {
  const pk = pkijs.Certificate.fromBER(new Uint8Array(c.raw));
  const ext = pk.extensions?.find((e) => e.extnID === '2.5.29.19');
  const bc = ext?.parsedValue as pkijs.BasicConstraints | undefined;
  if (!bc || typeof bc.pathLenConstraint !== 'number') return undefined;
  return bc.pathLenConstraint;
}

function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'resultMessage' in e) return String((e as { resultMessage: unknown }).resultMessage);
  if (e instanceof Error) return e.message;
  return String(e);
}
