/**
 * TLSA RRsets crossed with the corpus: every usage × selector × matching type for the EE and for each CA of the
 * hierarchy (sent or not), wrong hashes, unusable records, and mixed RRsets.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { computeTlsa, formatTlsa } from '../../dane/tlsa.js';
import type { ChainCase } from './corpus.js';

export interface RrsetCase {
  readonly label: string;
  readonly records: readonly string[];
}

const load = (f: string): X509Certificate => new X509Certificate(readFileSync(f));

/** Flips the last byte of the association data: same length, wrong value. */
export function wrongHash(rec: string): string {
  const [u, s, m, hex] = rec.split(' ') as [string, string, string, string];
  const last = (parseInt(hex.slice(-2), 16) ^ 0xff).toString(16).padStart(2, '0');
  return `${u} ${s} ${m} ${hex.slice(0, -2)}${last}`;
}

export function rrsetsFor(c: ChainCase): RrsetCase[] {
  const leaf = load(c.leafFile);
  const cas = c.cas.map((f) => ({ name: f.split('/').pop()!.replace('.pem', ''), cert: load(f) }));
  const out: RrsetCase[] = [];
  const rec = (cert: X509Certificate, u: number, s: number, m: number): string => formatTlsa(computeTlsa(cert, u, s, m));
  for (const u of [1, 3]) for (const s of [0, 1]) for (const m of [0, 1, 2]) out.push({ label: `ee ${u}${s}${m}`, records: [rec(leaf, u, s, m)] });
  for (const ca of cas) {
    for (const u of [0, 2]) for (const s of [0, 1]) for (const m of [0, 1, 2]) out.push({ label: `${ca.name} ${u}${s}${m}`, records: [rec(ca.cert, u, s, m)] });
  }
  // Usages 0/2 aimed at the leaf, and 1/3 at a CA: must not match.
  out.push({ label: 'leaf as TA 2 0 1', records: [rec(leaf, 2, 0, 1)] });
  out.push({ label: 'leaf as TA 0 1 1', records: [rec(leaf, 0, 1, 1)] });
  if (cas[0]) out.push({ label: 'CA as EE 3 1 1', records: [rec(cas[0].cert, 3, 1, 1)] });
  for (const u of [0, 1, 2, 3]) {
    const target = u === 0 || u === 2 ? (cas[0]?.cert ?? leaf) : leaf;
    out.push({ label: `wrong ${u}11`, records: [wrongHash(rec(target, u, 1, 1))] });
    out.push({ label: `wrong ${u}02`, records: [wrongHash(rec(target, u, 0, 2))] });
  }
  const good = rec(leaf, 3, 1, 1);
  const hex = good.split(' ')[3]!;
  const unusable = [`4 1 1 ${hex}`, `3 2 1 ${hex}`, `3 1 3 ${hex}`, `3 1 1 ${hex.slice(0, -2)}`, `3 1 2 ${hex}`];
  unusable.forEach((r, i) => out.push({ label: `unusable #${i}`, records: [r] }));
  out.push({ label: 'all unusable', records: unusable });
  out.push({ label: 'unusable + good 311', records: [...unusable, good] });
  out.push({ label: 'wrong 311 + good 301', records: [wrongHash(good), rec(leaf, 3, 0, 1)] });
  // RFC 7671 §9 digest agility: a wrong SHA2-512 record for the same usage/selector shadows a good SHA2-256 one.
  out.push({ label: 'good 311 + wrong 312', records: [good, wrongHash(rec(leaf, 3, 1, 2))] });
  out.push({ label: 'good 312 + wrong 311', records: [rec(leaf, 3, 1, 2), wrongHash(good)] });
  if (cas[0]) {
    out.push({ label: 'wrong 201 + good 301', records: [wrongHash(rec(cas[0].cert, 2, 0, 1)), rec(leaf, 3, 0, 1)] });
    out.push({ label: 'good 201 + wrong 311', records: [rec(cas[0].cert, 2, 0, 1), wrongHash(good)] });
    out.push({ label: 'pkix 011 + dane 211', records: [rec(cas[0].cert, 0, 1, 1), rec(cas[0].cert, 2, 1, 1)] });
  }
  return out;
}
