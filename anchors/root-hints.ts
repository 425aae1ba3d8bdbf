/**
 * Root hints in named.root format (the root's NS records plus A/AAAA for the server names), as BIND and
 * Unbound read them, parsed with the zone-file parser into ServerHint[].
 */
import { Name } from '../resolver/wire/name.js';
import { T } from '../resolver/wire/types.js';
import type { ServerHint } from '../resolver/api.js';
import { addressOf } from '../resolver/wire/rdata.js';
import { AnchorError, where } from './errors.js';
import { parseConfigZone, readConfigFile } from './read.js';

/** Parses named.root text: the root's NS names, each with the A/AAAA addresses listed for it. */
export function parseRootHints(text: string, file?: string): ServerHint[] {
  // named.root carries TTLs; the default only covers hand-written hint files without them.
  const rrs = parseConfigZone(text, file, 'root hints', 3600000);
  const addresses = new Map<string, string[]>();
  for (const rr of rrs) {
    const addr = addressOf(rr);
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
