/**
 * From a TLSA lookup result and a peer credential to a verdict. The lookup is injected and only its result
 * crosses this boundary, so this file knows nothing of the resolver.
 */
import type { PeerCredential } from './certs.js';
import type { MatchContext, RecordDiagnostic } from './match.js';
import { matchRecord } from './match.js';
import type { PathResult, TrustStore } from './pkix.js';
import { systemTrustStore, validatePath } from './pkix.js';
import { X509Certificate } from 'node:crypto';
import { formatTlsa, MTYPE, SELECTOR, toTlsaRecord, unusableReason, USAGE } from './tlsa.js';
import type { TlsaRecord, TlsaRecordLike } from './tlsa.js';
import type { DaneVerdict, DnssecInfo } from './verdict.js';
import { combineRecords, EDE, lookupVerdict } from './verdict.js';

/** What a TLSA lookup returns (the resolver's `resolveTLSA`, or daneel over HTTP, adapted to this shape). */
export interface TlsaLookupResult {
  readonly records: readonly TlsaRecordLike[];
  /** DNS rcode as a number (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN) or its name. */
  readonly rcode: number | string;
  /** DNSSEC status of the answer: secure, insecure, bogus, indeterminate. */
  readonly status: string;
  readonly reason: string;
  readonly ede?: number | null;
}

export type TlsaLookup = (owner: string) => Promise<TlsaLookupResult>;

export interface VerifyOptions {
  /** Reference identifiers: the host (and, per RFC 7671 §7, a secure CNAME target). */
  readonly names: readonly string[];
  /** Trust store for PKIX-TA(0)/PKIX-EE(1); defaults to Node's bundled roots. */
  readonly trustStore?: TrustStore;
  /** Time for validity checks; defaults to the current time. */
  readonly now?: Date;
}

/**
 * RFC 7671 §9 digest algorithm agility: among usable records with the same usage and selector, only those with
 * the strongest matching type present are used (SHA2-512 over SHA2-256 over Full), so a weaker digest cannot
 * be used to downgrade. Returns, per record, whether it is to be ignored.
 */
export function agilityIgnored(records: readonly TlsaRecord[], usable: readonly boolean[]): boolean[] {
  const strongest = new Map<string, number>();
  records.forEach((r, i) => {
    if (!usable[i]) return;
    const key = `${r.usage}/${r.selector}`;
    strongest.set(key, Math.max(strongest.get(key) ?? -1, r.mtype));
  });
  return records.map((r, i) => Boolean(usable[i]) && r.mtype < strongest.get(`${r.usage}/${r.selector}`)!);
}

/** Matches a TLSA RRset (taken as DNSSEC-secure) against a peer credential: the offline core. */
export async function verifyTlsa(
  recordsIn: readonly TlsaRecordLike[],
  credential: PeerCredential,
  opts: VerifyOptions,
  dnssec: DnssecInfo | null = null,
): Promise<DaneVerdict> {
  const records = recordsIn.map(toTlsaRecord);
  const now = opts.now ?? new Date();
  let pkixMemo: Promise<PathResult> | undefined;
  const ctx: MatchContext = {
    credential,
    names: [...opts.names],
    now,
    pkix: () => {
      if (credential.kind !== 'chain') return Promise.resolve({ ok: false, reason: 'raw public key has no chain' });
      const fromDns = fullPkixTaCerts(records);
      pkixMemo ??= validatePath([...credential.chain, ...fromDns], (opts.trustStore ?? systemTrustStore()).certs, now);
      return pkixMemo;
    },
  };
  const unusable = records.map(unusableReason);
  const ignored = agilityIgnored(records, unusable.map((u) => u === null));
  const diags: RecordDiagnostic[] = [];
  for (const [i, r] of records.entries()) {
    const why = unusable[i];
    if (why) diags.push({ record: formatTlsa(r), usable: false, matched: false, depth: null, reason: `unusable: ${why} (RFC 6698 §4.1)`, outcome: 'unusable' });
    else if (ignored[i]) diags.push({ record: formatTlsa(r), usable: true, matched: false, depth: null, reason: 'ignored: a stronger matching type is published for this usage and selector (RFC 7671 §9)', outcome: 'ignored' });
    else diags.push(await matchRecord(r, ctx));
  }
  return combineRecords(diags, dnssec);
}

/**
 * Certificates given in full by usable PKIX-TA `0 0 0` records, offered to PKIX path building as untrusted
 * intermediates (as OpenSSL's DANE code does): a server may omit a CA certificate its TLSA RRset carries.
 * They confer no trust; the path must still end at the trust store (RFC 6698 §2.1.1).
 */
function fullPkixTaCerts(records: readonly TlsaRecord[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const r of records) {
    if (r.usage !== USAGE.PKIX_TA || r.selector !== SELECTOR.CERT || r.mtype !== MTYPE.FULL) continue;
    try {
      out.push(new X509Certificate(Buffer.from(r.data)));
    } catch {
      // Not a certificate: the record simply matches nothing.
    }
  }
  return out;
}

function rcodeNumber(rcode: number | string): number {
  if (typeof rcode === 'number') return rcode;
  const names: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
  return names[rcode.toUpperCase()] ?? -1;
}

/**
 * The verdict a lookup result decides on its own, or null when there is a secure, non-empty RRset to match
 * (RFC 6698 §4.1, RFC 7671 §4): bogus fails hard; insecure TLSA is never used as DANE; an unresolved answer is
 * `lookup-failed`; a securely denied or empty RRset is `no-tlsa`.
 */
export function lookupOnlyVerdict(result: TlsaLookupResult): DaneVerdict | null {
  const dnssec: DnssecInfo = { status: result.status, reason: result.reason };
  const ede = result.ede ?? null;
  const rcode = rcodeNumber(result.rcode);
  if (result.status === 'bogus') return lookupVerdict('bogus', `TLSA lookup is bogus: ${result.reason}`, ede ?? EDE.DNSSEC_BOGUS, dnssec);
  if (result.status === 'indeterminate' || (rcode !== 0 && rcode !== 3)) {
    return lookupVerdict('lookup-failed', `TLSA lookup failed (rcode ${result.rcode}, ${result.status}): ${result.reason}`, ede, dnssec);
  }
  if (result.status !== 'secure') return lookupVerdict('insecure', `TLSA answer is not DNSSEC-secure (${result.status}): ${result.reason}`, ede, dnssec);
  if (rcode === 3 || result.records.length === 0) return lookupVerdict('no-tlsa', `no TLSA records (securely denied): ${result.reason}`, ede, dnssec);
  return null;
}

/** Turns a lookup result into a verdict, matching the RRset against the credential when it is secure. */
export async function verifyLookup(result: TlsaLookupResult, credential: PeerCredential, opts: VerifyOptions): Promise<DaneVerdict> {
  return lookupOnlyVerdict(result) ?? verifyTlsa(result.records, credential, opts, { status: result.status, reason: result.reason });
}

/** Looks up `owner` with the injected lookup and verifies; a throwing lookup is `lookup-failed`, not an exception. */
export async function lookupAndVerify(lookup: TlsaLookup, owner: string, credential: PeerCredential, opts: VerifyOptions): Promise<DaneVerdict> {
  let result: TlsaLookupResult;
  try {
    result = await lookup(owner);
  } catch (e) {
    return lookupVerdict('lookup-failed', `TLSA lookup for ${owner} threw: ${(e as Error).message}`, null, null);
  }
  return verifyLookup(result, credential, opts);
}
