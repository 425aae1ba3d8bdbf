/**
 * The root key trust anchor sentinel (RFC 8509): a client learns which root KSKs a validating resolver trusts by
 * asking A/AAAA for `root-key-sentinel-is-ta-<key tag>.<name>` or `root-key-sentinel-not-ta-<key tag>.<name>`.
 * The answer is the name's own, except that a validated answer becomes SERVFAIL when the label's claim is false.
 * Used by measurement campaigns ahead of root KSK rollovers; pure, with a Resolver wrapper for the front ends.
 */
import type { ResolveOptions, ResolveResult, Resolver } from './api.js';
import type { Name } from './wire/name.js';
import { RCODE, T, type RR } from './wire/types.js';
import { decodeDs } from './wire/dnssec-rdata.js';
import { keyTag } from './dnssec/keytag.js';
import { EDE, indeterminate } from './dnssec/verdict.js';

export interface Sentinel {
  /** is-ta: the key tag must be a trust anchor; not-ta: it must not be. */
  kind: 'is-ta' | 'not-ta';
  keyTag: number;
}

/** RFC 8509 §2: the leftmost label, case-insensitive, with the key tag as exactly five decimal digits. */
const SENTINEL_LABEL = /^root-key-sentinel-(is|not)-ta-(\d{5})$/i;
/** Sentinel labels are 29 or 30 octets: anything else is not one, without decoding it. */
const SENTINEL_LENGTHS = new Set([29, 30]);

export function sentinelOf(qname: Name): Sentinel | undefined {
  const label = qname.labels[0];
  if (!label || !SENTINEL_LENGTHS.has(label.length)) return undefined;
  const m = SENTINEL_LABEL.exec(String.fromCharCode(...label));
  if (!m) return undefined;
  const tag = Number(m[2]);
  return tag <= 0xffff ? { kind: m[1]!.toLowerCase() === 'is' ? 'is-ta' : 'not-ta', keyTag: tag } : undefined;
}

/**
 * RFC 8509 §3.1: the key tags of the root zone's trust anchors — the Key Tag field of a root DS anchor, the
 * computed tag (RFC 4034 Appendix B) of a root DNSKEY anchor. Anchors of other zones do not count.
 */
export function rootAnchorKeyTags(anchors: readonly RR[]): Set<number> {
  const tags = new Set<number>();
  for (const rr of anchors) {
    if (!rr.name.isRoot) continue;
    try {
      if (rr.type === T.DS) tags.add(decodeDs(rr.rdata).keyTag);
      else if (rr.type === T.DNSKEY) tags.add(keyTag(rr.rdata));
    } catch {
      // anchors were checked when loaded; a record that does not decode names no key
    }
  }
  return tags;
}

/**
 * RFC 8509 §3.1 on one result: only A/AAAA, only without CD, only a secure (validated) answer; then SERVFAIL
 * when is-ta names a key tag that is not a root trust anchor, or not-ta one that is.
 */
export function applySentinel(result: ResolveResult, qtype: number, cd: boolean, rootKeyTags: ReadonlySet<number>): ResolveResult {
  if ((qtype !== T.A && qtype !== T.AAAA) || cd || result.verdict.status !== 'secure') return result;
  const s = sentinelOf(result.qname);
  if (!s) return result;
  const trusted = rootKeyTags.has(s.keyTag);
  if ((s.kind === 'is-ta') === trusted) return result;
  const tag = String(s.keyTag).padStart(5, '0');
  const reason = `root key sentinel (RFC 8509 §3.1): key tag ${tag} is ${trusted ? '' : 'not '}a root trust anchor of this resolver`;
  return { qname: result.qname, qtype: result.qtype, rcode: RCODE.SERVFAIL, answer: [], authority: [], verdict: indeterminate(reason, EDE.OTHER, 'RKS1') };
}

/** A Resolver answering sentinel questions per RFC 8509 over any other (the cache, in `daneel serve`). */
export class SentinelResolver implements Resolver {
  constructor(private readonly inner: Resolver, public rootKeyTags: ReadonlySet<number>) {}

  async resolve(name: Name, type: number, opts: ResolveOptions = {}): Promise<ResolveResult> {
    return applySentinel(await this.inner.resolve(name, type, opts), type, opts.cd === true, this.rootKeyTags);
  }

  resolveTLSA(host: Name | string, port: number, proto?: string, opts?: ResolveOptions): Promise<ResolveResult> {
    return this.inner.resolveTLSA(host, port, proto, opts); // TLSA is never a sentinel type
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
