/**
 * The resolution engine's caches on the real signed hierarchy (NSD, BIND, Knot): one resolver inside the
 * namespace (engine-probe.ts) with the real UDP/TCP transport, every upstream query counted on the way out.
 * A second name in a seen zone costs one query; a DNSKEY set is fetched once within its TTL; what comes back
 * carries TTLs no longer than the zone signed (RFC 4035 §5.3.3).
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { jsonLines, nodeInNetns } from '../hierarchy/netns-run.js';

const hierarchy = inject('hierarchy');

interface ProbeLine {
  query: string;
  rcode: number;
  status: string;
  reason: string;
  ttl: number;
  rank: string;
  upstreamQueries: number;
  wire: string[];
  answer: Array<{ name: string; type: string; ttl: number }>;
}

async function probe(...queries: string[]): Promise<{ lines: ProbeLine[]; raw: string }> {
  const ran = await nodeInNetns(hierarchy.netns, ['--import', 'tsx', 'test/e2e/engine-probe.ts',
    '--root-hints', hierarchy.rootHints, '--trust-anchor', hierarchy.trustAnchor, ...queries]);
  const raw = `exit ${ran.code}\n${ran.stdout}\n${ran.stderr}`;
  const lines = jsonLines(ran.stdout).filter((l) => 'query' in l) as unknown as ProbeLine[];
  return { lines, raw };
}

describe('caches inside the iterative driver, on the real hierarchy', () => {
  let lines: ProbeLine[];
  let raw: string;

  beforeAll(async () => {
    ({ lines, raw } = await probe('www.iot.example./A', 'big.iot.example./A', 'www.nsec.example./A', 'www.iot.example./TXT'));
    // The figures the report quotes: upstream queries per lookup, in order, one resolver.
    console.log(`engine-caches upstream queries: ${lines.map((l) => `${l.query}=${l.upstreamQueries}`).join(' ')}`);
  }, 60_000);

  it('the cold lookup is secure and walks root -> example. -> iot.example.', () => {
    const first = lines[0]!;
    expect(first.status, raw).toBe('secure');
    expect(first.upstreamQueries, raw).toBe(first.wire.length);
    expect(first.wire.some((q) => q.endsWith(' iot.example. DNSKEY')), raw).toBe(true);
  });

  it('a second name in the seen zone sends exactly one upstream query, to the zone\'s own server', () => {
    const second = lines[1]!;
    expect(second.status, raw).toBe('secure');
    expect(second.wire, raw).toEqual([`${hierarchy.servers.nsd} big.iot.example. A`]);
    expect(second.upstreamQueries).toBe(1);
  });

  it('a sibling zone under a seen parent needs no root or parent DNSKEY again', () => {
    const third = lines[2]!;
    expect(third.status, raw).toBe('secure');
    expect(third.wire.filter((q) => q.endsWith(' . DNSKEY') || q.endsWith(' example. DNSKEY')), raw).toEqual([]);
    expect(third.wire.some((q) => q.endsWith(' nsec.example. DNSKEY')), raw).toBe(true);
  });

  it('the DNSKEY set of iot.example. is fetched once for all its lookups (within its TTL)', () => {
    const all = lines.flatMap((l) => l.wire);
    expect(all.filter((q) => q.endsWith(' iot.example. DNSKEY')), raw).toHaveLength(1);
    const nodata = lines[3]!;
    expect(nodata.status, raw).toBe('secure');
    expect(nodata.upstreamQueries, raw).toBe(1);
  });

  it('returned TTLs are no longer than the zone signed them (3600 s), and the result says so', () => {
    const first = lines[0]!;
    expect(first.answer.length, raw).toBeGreaterThan(0);
    for (const rr of first.answer) expect(rr.ttl, raw).toBeLessThanOrEqual(3600);
    expect(first.ttl).toBeGreaterThan(0);
    expect(first.ttl).toBeLessThanOrEqual(3600);
    expect(first.rank).toBe('answer-aa');
  });
});
