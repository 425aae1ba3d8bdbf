/**
 * Trust anchors from files: zone-file DS and/or DNSKEY lines for any owners (the root and private zones),
 * or RFC 7958 root-anchors XML, told apart by content. Given files REPLACE the built-in IANA root anchors
 * (a private root must not also trust the public one); several files add up.
 */
import { T, typeName } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import type { Clock } from '../resolver/clock.js';
import { dsDigestLengthProblem } from '../resolver/dnssec/ds.js';
import { AnchorError, where } from './errors.js';
import { parseConfigZone, readConfigFile } from './read.js';
import { builtinRootAnchors } from './builtin.js';
import { looksLikeRootAnchorsXml, parseRootAnchorsXml } from './root-anchors-xml.js';

/** RFC 4034 §2.1.1: bit 7 of the DNSKEY flags is the Zone Key flag; only zone keys can anchor a zone. */
const ZONE_KEY_FLAG = 0x0100;
/** RFC 4034 §2.1.2: the protocol field MUST be 3. */
const DNSKEY_PROTOCOL = 3;

function checkAnchor(rr: RR, file: string | undefined): void {
  const owner = rr.name.toString();
  if (rr.type === T.DS) {
    if (rr.rdata.length < 5) throw new AnchorError('BAD_RECORD', `${where(file)}DS for ${owner} has no digest`, file);
    const problem = dsDigestLengthProblem(rr.rdata[3]!, rr.rdata.length - 4);
    if (problem) throw new AnchorError('BAD_RECORD', `${where(file)}DS for ${owner}: ${problem}`, file);
    return;
  }
  if (rr.type === T.DNSKEY) {
    if (rr.rdata.length < 5) throw new AnchorError('BAD_RECORD', `${where(file)}DNSKEY for ${owner} has no key`, file);
    const flags = (rr.rdata[0]! << 8) | rr.rdata[1]!;
    if ((flags & ZONE_KEY_FLAG) === 0) throw new AnchorError('BAD_RECORD', `${where(file)}DNSKEY for ${owner} has flags ${flags} without the Zone Key bit (RFC 4034 §2.1.1)`, file);
    if (rr.rdata[2] !== DNSKEY_PROTOCOL) throw new AnchorError('BAD_RECORD', `${where(file)}DNSKEY for ${owner} has protocol ${rr.rdata[2]}, not 3 (RFC 4034 §2.1.2)`, file);
    return;
  }
  throw new AnchorError('WRONG_TYPE', `${where(file)}${owner} ${typeName(rr.type)}: a trust anchor file holds only DS and DNSKEY records`, file);
}

/** Parses one anchor file's text (zone-file lines or RFC 7958 XML) into DS/DNSKEY RRs. */
export function parseTrustAnchors(text: string, clock: Clock, file?: string): RR[] {
  if (looksLikeRootAnchorsXml(text)) return parseRootAnchorsXml(text, clock.now(), file);
  // Anchor lines usually carry no TTL (IANA root.ds): anchors do not expire by TTL.
  const rrs = parseConfigZone(text, file, 'trust anchor', 0);
  for (const rr of rrs) checkAnchor(rr, file);
  // An empty file (comments only) is allowed: it names no anchor, like `--trust-anchor none`.
  return rrs;
}

/** The `--trust-anchor` value that means "no anchors, no validation" (an empty file means the same). */
export const NO_TRUST_ANCHOR = 'none';

/**
 * The anchors to use: the records of every given file, or the built-in IANA root anchors when none is given.
 * `none` and empty files contribute nothing; when nothing is left, the result is empty and nothing is validated
 * (RFC 4035 §4.3: without an anchor every answer is insecure) — callers warn once at start-up.
 */
export function loadTrustAnchors(paths: readonly string[], clock: Clock): RR[] {
  if (paths.length === 0) return builtinRootAnchors();
  return paths.flatMap((path) => (path === NO_TRUST_ANCHOR ? [] : parseTrustAnchors(readConfigFile(path, 'trust anchor'), clock, path)));
}
