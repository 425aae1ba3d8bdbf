/**
 * Matching one TLSA record against what the peer presented (RFC 6698 §2.1, RFC 7671 §5). Each record gets its
 * own diagnostic; nothing passed in is changed.
 */
import { X509Certificate, createPublicKey } from 'node:crypto';
import type { PeerCredential } from './certs.js';
import { certMatchesName } from './certs.js';
import type { PathResult } from './pkix.js';
import { validatePath } from './pkix.js';
import { associationData, bytesEqual, formatTlsa, MTYPE, SELECTOR, selectedBytes, USAGE } from './tlsa.js';
import type { TlsaRecord } from './tlsa.js';

/** How one record fared: it authenticated the peer, or why not. */
export type RecordOutcome = 'valid' | 'mismatch' | 'pkix-failed' | 'name-mismatch' | 'unusable' | 'ignored';

export interface RecordDiagnostic {
  readonly record: string;
  readonly usable: boolean;
  /** The association data matched a certificate or key (further checks may still have failed). */
  readonly matched: boolean;
  /** Chain depth of the matched certificate or key (0 = the leaf), or null. */
  readonly depth: number | null;
  readonly reason: string;
  readonly outcome: RecordOutcome;
}

/** What every record is checked against; `pkix` is computed at most once per verification. */
export interface MatchContext {
  readonly credential: PeerCredential;
  /** Reference identifiers (host names without trailing dot). */
  readonly names: readonly string[];
  readonly now: Date;
  readonly pkix: () => Promise<PathResult>;
}

function diag(r: TlsaRecord, outcome: RecordOutcome, matched: boolean, depth: number | null, reason: string): RecordDiagnostic {
  return { record: formatTlsa(r), usable: true, matched, depth, reason, outcome };
}

function certMatches(r: TlsaRecord, c: X509Certificate): boolean {
  return bytesEqual(associationData(selectedBytes(c, r.selector), r.mtype), r.data);
}

/** Evaluates a usable record. */
export async function matchRecord(r: TlsaRecord, ctx: MatchContext): Promise<RecordDiagnostic> {
  if (ctx.credential.kind === 'rpk') return matchRawKey(r, ctx.credential.spki);
  const chain = ctx.credential.chain;
  switch (r.usage) {
    case USAGE.DANE_EE:
      return matchDaneEe(r, chain);
    case USAGE.DANE_TA:
      return matchDaneTa(r, chain, ctx);
    case USAGE.PKIX_EE:
      return matchPkixEe(r, chain, ctx);
    default:
      return matchPkixTa(r, chain, ctx);
  }
}

/** RFC 7250 with RFC 7671 §5.1: a raw public key can only be matched by DANE-EE(3) with selector SPKI(1). */
function matchRawKey(r: TlsaRecord, spki: Uint8Array): RecordDiagnostic {
  if (r.usage !== USAGE.DANE_EE || r.selector !== SELECTOR.SPKI) {
    return diag(r, 'mismatch', false, null, 'a raw public key (RFC 7250) can only match DANE-EE(3) SPKI(1) records');
  }
  if (bytesEqual(associationData(spki, r.mtype), r.data)) return diag(r, 'valid', true, 0, 'matched the raw public key');
  return diag(r, 'mismatch', false, null, 'does not match the raw public key');
}

/** RFC 7671 §5.1: DANE-EE matches the leaf only; names and validity dates are not checked. */
function matchDaneEe(r: TlsaRecord, chain: readonly X509Certificate[]): RecordDiagnostic {
  if (certMatches(r, chain[0]!)) return diag(r, 'valid', true, 0, 'matched the EE certificate at depth 0 (names and dates ignored, RFC 7671 §5.1)');
  return diag(r, 'mismatch', false, null, 'does not match the EE certificate');
}

/** A path to `anchor` passed: the name is what remains (RFC 7671 §5.2 requires it for DANE-TA). */
function nameChecked(r: TlsaRecord, leaf: X509Certificate, names: readonly string[], depth: number, what: string): RecordDiagnostic {
  const hit = certMatchesName(leaf, names);
  if (hit === null) {
    return diag(r, 'name-mismatch', true, depth, `${what}, but the EE certificate does not match ${names.join(', ') || '(no name given)'}`);
  }
  return diag(r, 'valid', true, depth, `${what}; EE certificate matches ${hit}`);
}

/**
 * RFC 7671 §5.2: the trust anchor is a certificate in the chain above the leaf, or is given in full by the
 * record (2 0 0 certificate, 2 1 0 public key) when the server does not send it. The chain from the leaf up to
 * the anchor must validate (signatures, dates, CA constraints) and the leaf must match the name.
 */
async function matchDaneTa(r: TlsaRecord, chain: readonly X509Certificate[], ctx: MatchContext): Promise<RecordDiagnostic> {
  for (let depth = 1; depth < chain.length; depth++) {
    const ta = chain[depth]!;
    if (!certMatches(r, ta)) continue;
    const path = await validatePath(chain, [ta], ctx.now);
    if (!path.ok) return diag(r, 'pkix-failed', true, depth, `matched the TA certificate at depth ${depth}, but the chain to it fails: ${path.reason}`);
    return nameChecked(r, chain[0]!, ctx.names, depth, `matched the TA certificate at depth ${depth}`);
  }
  if (r.mtype !== MTYPE.FULL) return diag(r, 'mismatch', false, null, 'matches no CA certificate in the chain');
  return r.selector === SELECTOR.CERT ? fullTaCert(r, chain, ctx) : fullTaKey(r, chain, ctx);
}

/** `2 0 0`: the record holds the TA certificate itself. */
async function fullTaCert(r: TlsaRecord, chain: readonly X509Certificate[], ctx: MatchContext): Promise<RecordDiagnostic> {
  let ta: X509Certificate;
  try {
    ta = new X509Certificate(Buffer.from(r.data));
  } catch {
    return diag(r, 'mismatch', false, null, 'association data is not a certificate and matches none in the chain');
  }
  const path = await validatePath(chain, [ta], ctx.now);
  if (!path.ok) return diag(r, 'mismatch', false, null, `the chain does not validate to the TA certificate in the record: ${path.reason}`);
  const depth = path.path.length - 1;
  return nameChecked(r, chain[0]!, ctx.names, depth, `chain validates to the TA certificate given in full (depth ${depth})`);
}

/** `2 1 0`: the record holds the TA public key; find the highest chain certificate it signed. */
async function fullTaKey(r: TlsaRecord, chain: readonly X509Certificate[], ctx: MatchContext): Promise<RecordDiagnostic> {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(r.data), format: 'der', type: 'spki' });
  } catch {
    return diag(r, 'mismatch', false, null, 'association data is not a public key and matches none in the chain');
  }
  for (let top = chain.length - 1; top >= 0; top--) {
    const signed = chain[top]!;
    if (!signed.verify(key)) continue;
    const depth = top + 1;
    const path = top === 0 ? leafOnly(signed, ctx.now) : await validatePath(chain.slice(0, top + 1), [signed], ctx.now);
    if (!path.ok) return diag(r, 'pkix-failed', true, depth, `the TA key signed the certificate at depth ${top}, but the chain fails: ${path.reason}`);
    return nameChecked(r, chain[0]!, ctx.names, depth, `the TA public key given in full signed the certificate at depth ${top}`);
  }
  return diag(r, 'mismatch', false, null, 'the TA public key signed no certificate in the chain');
}

function leafOnly(leaf: X509Certificate, now: Date): PathResult {
  const t = now.getTime();
  if (t < Date.parse(leaf.validFrom) || t > Date.parse(leaf.validTo)) return { ok: false, reason: 'the certificate is either not yet valid or expired' };
  return { ok: true, path: [leaf] };
}

/** RFC 6698 §2.1.1 usage 1: the leaf matches and passes PKIX validation against the trust store. */
async function matchPkixEe(r: TlsaRecord, chain: readonly X509Certificate[], ctx: MatchContext): Promise<RecordDiagnostic> {
  if (!certMatches(r, chain[0]!)) return diag(r, 'mismatch', false, null, 'does not match the EE certificate');
  const path = await ctx.pkix();
  if (!path.ok) return diag(r, 'pkix-failed', true, 0, `matched the EE certificate, but PKIX validation fails: ${path.reason}`);
  return nameChecked(r, chain[0]!, ctx.names, 0, 'matched the PKIX-validated EE certificate');
}

/**
 * RFC 6698 §2.1.1 usage 0: a CA certificate of a PKIX-validated path (the trust store's anchor included) matches.
 * When PKIX fails, a match in the sent chain is still reported, as a PKIX failure.
 */
async function matchPkixTa(r: TlsaRecord, chain: readonly X509Certificate[], ctx: MatchContext): Promise<RecordDiagnostic> {
  const path = await ctx.pkix();
  const candidates = path.ok ? path.path : chain;
  for (let depth = 1; depth < candidates.length; depth++) {
    if (!certMatches(r, candidates[depth]!)) continue;
    if (!path.ok) return diag(r, 'pkix-failed', true, depth, `matched the CA certificate at depth ${depth}, but PKIX validation fails: ${path.reason}`);
    return nameChecked(r, chain[0]!, ctx.names, depth, `matched the CA certificate at depth ${depth} of the PKIX-validated path`);
  }
  const why = path.ok ? 'matches no CA certificate of the PKIX-validated path' : `matches no CA certificate in the chain (PKIX also fails: ${path.reason})`;
  return diag(r, 'mismatch', false, null, why);
}
