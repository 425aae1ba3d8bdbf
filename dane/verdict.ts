/**
 * DANE verdicts and the one JSON shape every `--json` output (and later the HTTP API) uses:
 * `{ verdict, reason, ede, matched: { usage, selector, mtype, depth } | null,
 *    records: [ { record, usable, matched, depth, reason } ], dnssec: { status, reason } | null }`.
 */
import { EDE } from '../resolver/dnssec/verdict.js';
import type { RecordDiagnostic } from './match.js';

export type DaneVerdictName =
  | 'dane-valid'
  | 'dane-mismatch'
  | 'pkix-failed'
  | 'name-mismatch'
  | 'no-usable-tlsa'
  | 'no-tlsa'
  | 'insecure'
  | 'bogus'
  | 'lookup-failed'
  /** Lookup only (`daneel tlsa`): the RRset is DNSSEC-secure with at least one usable record; no chain was checked. */
  | 'usable-tlsa';

export interface MatchedRecord {
  readonly usage: number;
  readonly selector: number;
  readonly mtype: number;
  readonly depth: number;
}

export interface DnssecInfo {
  readonly status: string;
  readonly reason: string;
}

export interface DaneVerdict {
  readonly verdict: DaneVerdictName;
  readonly reason: string;
  /** The EDE code (RFC 8914) of the DNS lookup when that decided the verdict, else null. */
  readonly ede: number | null;
  readonly matched: MatchedRecord | null;
  readonly records: readonly RecordDiagnostic[];
  readonly dnssec: DnssecInfo | null;
}

export interface DaneVerdictJson {
  verdict: DaneVerdictName;
  reason: string;
  ede: number | null;
  matched: MatchedRecord | null;
  records: { record: string; usable: boolean; matched: boolean; depth: number | null; reason: string }[];
  dnssec: DnssecInfo | null;
}

/** The JSON shape, with exactly its fields (internal ones such as `outcome` left out). */
export function verdictToJson(v: DaneVerdict): DaneVerdictJson {
  return {
    verdict: v.verdict,
    reason: v.reason,
    ede: v.ede,
    matched: v.matched ? { ...v.matched } : null,
    records: v.records.map((r) => ({ record: r.record, usable: r.usable, matched: r.matched, depth: r.depth, reason: r.reason })),
    dnssec: v.dnssec ? { status: v.dnssec.status, reason: v.dnssec.reason } : null,
  };
}

/** Only this verdict authenticates the peer. */
export function isDaneValid(v: DaneVerdict): boolean {
  return v.verdict === 'dane-valid';
}

function parseFields(record: string): [number, number, number] {
  const [u, s, m] = record.split(' ').map(Number);
  return [u!, s!, m!];
}

/**
 * Combines per-record diagnostics: any valid record authenticates (RFC 6698 §4.1 "at least one usable record
 * matches"). Otherwise the most specific failure wins: a matching record whose name check failed, then one
 * whose chain failed, then a plain mismatch; with no usable record at all, `no-usable-tlsa` (RFC 6698 §4.1:
 * treat as if no TLSA records were found, so the caller applies its non-DANE policy).
 */
export function combineRecords(records: readonly RecordDiagnostic[], dnssec: DnssecInfo | null): DaneVerdict {
  const base = { ede: null, records: [...records], dnssec };
  const valid = records.find((r) => r.outcome === 'valid');
  if (valid) {
    const [usage, selector, mtype] = parseFields(valid.record);
    return { ...base, verdict: 'dane-valid', reason: `${valid.record}: ${valid.reason}`, matched: { usage, selector, mtype, depth: valid.depth ?? 0 } };
  }
  const considered = records.filter((r) => r.outcome !== 'unusable' && r.outcome !== 'ignored');
  if (considered.length === 0) {
    return { ...base, verdict: 'no-usable-tlsa', reason: `none of the ${records.length} TLSA records is usable`, matched: null };
  }
  for (const [outcome, verdict] of [['name-mismatch', 'name-mismatch'], ['pkix-failed', 'pkix-failed']] as const) {
    const hit = considered.find((r) => r.outcome === outcome);
    if (hit) return { ...base, verdict, reason: `${hit.record}: ${hit.reason}`, matched: null };
  }
  return { ...base, verdict: 'dane-mismatch', reason: `no usable TLSA record matches (${considered.length} tried)`, matched: null };
}

/** A verdict decided by the DNS lookup alone (no TLS matching attempted). */
export function lookupVerdict(verdict: 'no-tlsa' | 'insecure' | 'bogus' | 'lookup-failed', reason: string, ede: number | null, dnssec: DnssecInfo | null): DaneVerdict {
  return { verdict, reason, ede, matched: null, records: [], dnssec };
}

export { EDE };
