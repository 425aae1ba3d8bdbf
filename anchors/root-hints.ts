/**
 * Root hints in named.root format (the root's NS records plus A/AAAA for the server names), as BIND and
 * Unbound read them, parsed with the zone-file parser into ServerHint[].
 */
import { Name } from '../resolver/wire/name.js';
import { T } from '../resolver/wire/types.js';
import type { RR } from '../resolver/wire/types.js';
import type { ServerHint } from '../resolver/api.js';
import { parseZone } from '../resolver/wire/zonefile.js';
import { AnchorError, where } from './errors.js';
import { readConfigFile } from './read.js';

/** IPv4 or IPv6 text from A / AAAA RDATA. */
export function addressFromRdata(rdata: Uint8Array): string | undefined {
  if (rdata.length === 4) return Array.from(rdata).join('.');
  if (rdata.length !== 16) return undefined;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((rdata[i]! << 8) | rdata[i + 1]!);
  return compressIPv6(groups);
}

/** RFC 5952 §4.2: the longest run (≥ 2) of zero groups becomes `::`, the first one on ties. */
function compressIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function parseHintsZone(text: string, file: string | undefined): RR[] {
  try {
    return parseZone(text, { origin: Name.ROOT, file: file ?? 'root hints', defaultTtl: 3600000 });
  } catch (err) {
    const e = err as Error & { line?: number };
    // ZoneSyntaxError messages already start with `file:line:`.
    throw new AnchorError('SYNTAX', e.message, file, e.line);
  }
}

/** Parses named.root text: the root's NS names, each with the A/AAAA addresses listed for it. */
export function parseRootHints(text: string, file?: string): ServerHint[] {
  const rrs = parseHintsZone(text, file);
  const addresses = new Map<string, string[]>();
  for (const rr of rrs) {
    if (rr.type !== T.A && rr.type !== T.AAAA) continue;
    const addr = addressFromRdata(rr.rdata);
    if (addr === undefined) continue;
    const list = addresses.get(rr.name.key) ?? [];
    if (!list.includes(addr)) list.push(addr);
    addresses.set(rr.name.key, list);
  }
  const hints: ServerHint[] = [];
  const seen = new Set<string>();
  for (const rr of rrs) {
    if (rr.type !== T.NS || !rr.name.isRoot) continue;
    const { name } = Name.decode(rr.rdata, 0);
    if (seen.has(name.key)) continue;
    seen.add(name.key);
    hints.push({ name, addresses: addresses.get(name.key) ?? [] });
  }
  if (hints.length === 0) throw new AnchorError('EMPTY', `${where(file)}no NS records for the root (.) in the root hints`, file);
  if (hints.every((h) => h.addresses.length === 0)) {
    throw new AnchorError('EMPTY', `${where(file)}none of the root server names has an A or AAAA record`, file);
  }
  return hints;
}

/** Reads and parses a named.root file. */
export function loadRootHints(path: string): ServerHint[] {
  return parseRootHints(readConfigFile(path, 'root hints'), path);
}
