/**
 * Fuzzing the upstream response path with a hostile server (fast-check): one reply of a resolution has its
 * octets flipped, cut or spliced on the wire, or is replaced by a decompression bomb. Whatever arrives, resolve()
 * returns a result (never throws), and a secure verdict only ever comes with the genuine answer: a change the
 * validator cannot see (a TTL, an unsigned glue octet) may keep it secure, a change to signed data may not.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { T, type RR } from '../../resolver/wire/types.js';
import { toHex } from '../../resolver/wire/encoding.js';
import type { QueryOptions, ServerAddress, Transport } from '../../resolver/transport/transport.js';
import { n } from '../support/signer.js';
import { decompressionBomb } from '../support/hostile-inputs.js';
import { buildHierarchy, resolverFor } from './hierarchy.js';
import { standardZones } from './zones.js';

type Mutation =
  | { kind: 'flips'; flips: Array<[number, number]> }
  | { kind: 'cut'; at: number }
  | { kind: 'splice'; from: number; to: number; length: number }
  | { kind: 'bomb' };

/** Applies `mutation` to the bytes of the `target`-th reply (counting from 0), leaving the rest alone. */
class HostileTransport implements Transport {
  private count = 0;
  constructor(private readonly inner: Transport, private readonly target: number, private readonly mutation: Mutation) {}
  async query(server: ServerAddress, wire: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
    const reply = await this.inner.query(server, wire, opts);
    if (this.count++ !== this.target) return reply;
    return mutate(reply, wire, this.mutation);
  }
  close(): Promise<void> { return this.inner.close(); }
}

function mutate(reply: Uint8Array, query: Uint8Array, m: Mutation): Uint8Array {
  const out = reply.slice();
  switch (m.kind) {
    case 'flips':
      for (const [at, v] of m.flips) out[at % out.length] = v;
      return out;
    case 'cut':
      return out.subarray(0, m.at % (out.length + 1));
    case 'splice': {
      const from = m.from % out.length;
      const to = m.to % out.length;
      out.copyWithin(to, from, Math.min(out.length, from + m.length));
      return out;
    }
    case 'bomb': {
      // The bomb with this query's ID and question, so it passes the transport's match.
      const bomb = decompressionBomb(16_000);
      bomb[0] = query[0]!;
      bomb[1] = query[1]!;
      return bomb;
    }
  }
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('flips' as const), flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('splice' as const), from: fc.nat(), to: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bomb' as const }) },
);

const rrKey = (rr: RR): string => `${rr.name.key}/${rr.type}/${toHex(rr.rdata)}`;
const dataOf = (rrs: RR[]): string[] => rrs.filter((rr) => rr.type !== T.RRSIG).map(rrKey).sort();

describe('hostile upstream replies (fuzz)', () => {
  it('a mutated reply anywhere in the resolution never throws, and secure always means the genuine data', async () => {
    const genuineH = buildHierarchy(standardZones());
    const genuine = await resolverFor(genuineH).resolve(n('www.example.com'), T.A);
    expect(genuine.verdict.status).toBe('secure');
    const replies = genuineH.net.log.length;
    const seen: Record<string, number> = {};
    const t0 = process.cpuUsage();
    await fc.assert(fc.asyncProperty(fc.nat({ max: replies - 1 }), mutationArb, async (target, mutation) => {
      const h = buildHierarchy(standardZones());
      const resolver = resolverFor(h, { transport: new HostileTransport(h.net, target, mutation) });
      const r = await resolver.resolve(n('www.example.com'), T.A);
      seen[r.verdict.status] = (seen[r.verdict.status] ?? 0) + 1;
      expect(['secure', 'insecure', 'bogus', 'indeterminate']).toContain(r.verdict.status);
      if (r.verdict.status === 'secure') expect(dataOf(r.answer)).toEqual(dataOf(genuine.answer));
      // A zone signed end to end is never reported insecure because of one bad reply.
      expect(r.verdict.status).not.toBe('insecure');
    }), { numRuns: 100 });
    const d = process.cpuUsage(t0);
    console.log(`hostile upstream fuzz: 100 resolutions with one mutated reply: ${JSON.stringify(seen)}, ${((d.user + d.system) / 1000).toFixed(0)} ms CPU`);
  }, 120_000);
});
