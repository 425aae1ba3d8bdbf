/**
 * daneel's matcher against two independent implementations over the corpus × RRset cross product.
 * A disagreement fails the test unless an RFC says daneel is right; such cases are listed in JUSTIFIED with
 * the RFC section beside them. The comparison counts are printed at the end.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCredential, parsePemChain } from '../../dane/certs.js';
import { trustStoreFromFile } from '../../dane/pkix.js';
import { verifyTlsa } from '../../dane/verify.js';
import { buildCorpus } from './corpus.js';
import type { ChainCase, Corpus } from './corpus.js';
import { classOf, ldnsOracle, opensslOracle, startSServer } from './oracles.js';
import type { OracleClass, SServer } from './oracles.js';
import { rrsetsFor } from './rrsets.js';

const corpus: Corpus = buildCorpus();
const servers = new Map<string, SServer>();
const counts = { openssl: { agreed: 0, total: 0, justified: 0 }, ldns: { agreed: 0, total: 0, justified: 0 } };
const justifiedSeen: string[] = [];

/**
 * Differences where an RFC sides with daneel. Keyed by oracle; the predicate sees the chain, the RRset and
 * both answers, and returns the citation when it applies.
 */
type Justifier = (c: ChainCase, label: string, records: readonly string[], ours: OracleClass, theirs: OracleClass) => string | null;
const JUSTIFIED: Record<'openssl' | 'ldns', Justifier[]> = {
  openssl: [],
  ldns: [
    // RFC 7671 §5.2.2: a DANE-TA trust anchor published in full (2 0 0) need not be sent by the server; OpenSSL
    // agrees, ldns-dane 1.8.3 only looks for the TA inside the presented chain.
    (c, _l, recs, ours, theirs) =>
      ours === 'valid' && theirs === 'fail' && recs.some((r) => r.startsWith('2 0 0 ')) && !sentCa(c, recs)
        ? 'RFC 7671 §5.2.2 (full 2 0 0 trust anchor absent from the chain)'
        : null,
    // RFC 6698 §2.1.1: PKIX-TA matches a CA in "any of the PKIX certification paths for the end entity"; a path
    // completed with the CA certificate the 0 0 0 record carries is one (OpenSSL builds it; ldns-dane does not).
    (c, _l, recs, ours, theirs) =>
      ours === 'valid' && theirs === 'fail' && recs.some((r) => r.startsWith('0 0 0 ')) && !sentCa(c, recs)
        ? 'RFC 6698 §2.1.1 (PKIX path completed with the full 0 0 0 certificate)'
        : null,
    // RFC 7671 §5.1: DANE-EE ignores names. ldns-dane has no per-usage switch, only `-n` for all usages, so
    // an RRset mixing DANE-EE with other usages gets name checks on the DANE-EE match too.
    (_c, _l, recs, ours, theirs) =>
      ours === 'valid' && theirs === 'fail' && recs.some((r) => r.startsWith('3 ')) && recs.some((r) => !r.startsWith('3 '))
        ? 'RFC 7671 §5.1 (DANE-EE ignores names; ldns-dane cannot exempt DANE-EE alone)'
        : null,
  ],
};

/** Whether a full-certificate record's certificate is among those the server sends. */
function sentCa(c: ChainCase, recs: readonly string[]): boolean {
  const sent = parsePemChain(readFileSync(c.chainFile, 'utf8')).map((x) => x.raw.toString('hex'));
  return recs.some((r) => sent.includes(r.split(' ')[3]!));
}

beforeAll(async () => {
  for (const c of corpus.chains) servers.set(c.id, await startSServer(c, c.extraFile));
}, 60_000);

afterAll(() => {
  for (const s of servers.values()) s.stop();
  rmSync(corpus.dir, { recursive: true, force: true });
  const line = (k: 'openssl' | 'ldns') => `${k}: agreed ${counts[k].agreed}/${counts[k].total}, RFC-justified differences ${counts[k].justified}`;
  console.log(`DANE oracle comparisons\n  ${line('openssl')}\n  ${line('ldns')}`);
  if (justifiedSeen.length) console.log(`  justified:\n    ${[...new Set(justifiedSeen)].join('\n    ')}`);
});

describe('daneel agrees with OpenSSL DANE and ldns-dane', () => {
  const trustStore = trustStoreFromFile(corpus.trustStoreFile);
  it.each(corpus.chains.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const credential = chainCredential(parsePemChain(readFileSync(c.chainFile, 'utf8')));
    const server = servers.get(c.id)!;
    const problems: string[] = [];
    for (const [i, set] of rrsetsFor(c).entries()) {
      const verdict = await verifyTlsa(set.records, credential, { names: [c.host], trustStore });
      const ours = classOf(verdict.verdict);
      const input = { host: c.host, records: set.records, trustStoreFile: corpus.trustStoreFile };
      const answers = {
        openssl: opensslOracle(server.port, input),
        ldns: ldnsOracle(corpus.dir, c.chainFile, input, `${c.id}-${i}`),
      };
      for (const k of ['openssl', 'ldns'] as const) {
        counts[k].total++;
        const theirs = answers[k].cls;
        if (theirs === ours) {
          counts[k].agreed++;
          continue;
        }
        const why = JUSTIFIED[k].map((j) => j(c, set.label, set.records, ours, theirs)).find((x) => x);
        if (why) {
          counts[k].justified++;
          justifiedSeen.push(`${k} ${c.id} [${set.label}]: ${why}`);
          continue;
        }
        problems.push(`${k} [${set.label}] daneel=${verdict.verdict} (${verdict.reason}) ${k}=${theirs}\n${answers[k].detail.split('\n').filter((l) => /verify|Verif|DANE|usable|valid/.test(l)).slice(0, 4).join(' | ')}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
