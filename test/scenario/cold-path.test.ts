/**
 * The cold path at the network's floor: independent queries leave together (a signed zone's DNSKEY with the
 * zone's next query; several glueless NS names at once), an identical query already in flight is joined rather
 * than sent again (for any client), and the upstream description carries its port and protocol. A holding
 * transport keeps every query in flight until the next timer tick, so what overlaps is visible.
 */
import { describe, expect, it } from 'vitest';
import type { QueryOptions, Transport, Upstream } from '../../resolver/transport/transport.js';
import { TruncationFallback } from '../../resolver/transport/truncation.js';
import { decodeMessage } from '../../resolver/wire/message.js';
import { RCODE, T, typeName } from '../../resolver/wire/types.js';
import { n } from '../support/signer.js';
import { buildHierarchy, resolverFor, type ZoneDef } from './hierarchy.js';
import { ADDR, standardZones } from './zones.js';

/** Holds each query one timer tick and records which questions were in flight together. */
class HoldingTransport implements Transport {
  private readonly inFlight = new Set<string>();
  /** For each question, the other questions in flight when it was sent. */
  readonly overlaps = new Map<string, Set<string>>();

  constructor(private readonly inner: Transport) {}

  async query(server: Upstream, wire: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
    const q = decodeMessage(wire).question[0]!;
    const key = `${q.name.toLowerCase().toString()} ${typeName(q.type)}`; // 0x20 randomises the case sent
    for (const other of this.inFlight) {
      this.overlaps.set(key, (this.overlaps.get(key) ?? new Set()).add(other));
      this.overlaps.set(other, (this.overlaps.get(other) ?? new Set()).add(key));
    }
    this.inFlight.add(key);
    try {
      await new Promise((r) => setTimeout(r, 1));
      return await this.inner.query(server, wire, opts);
    } finally {
      this.inFlight.delete(key);
    }
  }

  together(a: string, b: string): boolean {
    return this.overlaps.get(a)?.has(b) ?? false;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** standardZones plus two.com., whose two NS names both need an address lookup (no glue). */
function withTwoGluelessNames(): ZoneDef[] {
  const zones = standardZones().map((z) => {
    if (z.apex === 'com.') return { ...z, text: `${z.text}two NS ns.hoster.net.\ntwo NS ns2.hoster.net.\n` };
    if (z.apex === 'hoster.net.') return { ...z, text: `${z.text}ns2 A ${ADDR.glueless}\n` };
    return z;
  });
  zones.push({ apex: 'two.com.', servers: [ADDR.glueless], text: '@ 3600 SOA ns.hoster.net. hostmaster 1 7200 3600 1209600 300\n@ NS ns.hoster.net.\n@ NS ns2.hoster.net.\nwww A 192.0.2.150\n' });
  return zones;
}

describe('independent queries leave together', () => {
  it('the leaf zone\'s DNSKEY is in flight together with the final TLSA query (no QNAME minimisation)', async () => {
    const h = buildHierarchy(standardZones());
    const hold = new HoldingTransport(h.net);
    const r = await resolverFor(h, { transport: hold, qnameMinimisation: false }).resolveTLSA('www.example.com', 443);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(hold.together('example.com. DNSKEY', '_443._tcp.www.example.com. TLSA')).toBe(true);
    expect(hold.together('com. DNSKEY', '_443._tcp.www.example.com. TLSA')).toBe(true);
    expect(new Set(h.net.log.map((q) => `${q.address} ${q.qname} ${q.qtype}`)).size).toBe(h.net.count());
  });

  it('with QNAME minimisation the DNSKEY leaves with the zone\'s first query (the TLSA itself: its host is not probed)', async () => {
    const h = buildHierarchy(standardZones());
    const hold = new HoldingTransport(h.net);
    const r = await resolverFor(h, { transport: hold }).resolveTLSA('www.example.com', 443);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    expect(hold.together('example.com. DNSKEY', '_443._tcp.www.example.com. TLSA')).toBe(true);
    // Fewer round trips, never more queries: each question is asked once.
    expect(new Set(h.net.log.map((q) => `${q.address} ${q.qname} ${q.qtype}`)).size).toBe(h.net.count());
  });

  it('two glueless NS names are looked up at once', async () => {
    const h = buildHierarchy(withTwoGluelessNames());
    const hold = new HoldingTransport(h.net);
    const r = await resolverFor(h, { transport: hold }).resolve(n('www.two.com'), T.A);
    expect(r.rcode).toBe(RCODE.NOERROR);
    expect(r.answer.some((x) => x.type === T.A)).toBe(true);
    expect(hold.together('ns.hoster.net. A', 'ns2.hoster.net. A')).toBe(true);
  });
});

describe('identical queries in flight are joined (any client)', () => {
  it('two clients asking the same name at once put each question on the wire once', async () => {
    const h = buildHierarchy(standardZones());
    const resolver = resolverFor(h, { transport: new HoldingTransport(h.net) });
    const [a, b] = await Promise.all([resolver.resolve(n('www.example.com'), T.A), resolver.resolve(n('www.example.com'), T.A)]);
    expect(a.verdict.status, a.verdict.reason).toBe('secure');
    expect(b.verdict.status, b.verdict.reason).toBe('secure');
    expect(h.net.asked().filter((q) => q === 'www.example.com. A')).toHaveLength(1);
    expect(new Set(h.net.log.map((q) => `${q.address} ${q.qname} ${q.qtype}`)).size).toBe(h.net.count());
    expect(a.stats!.upstreamQueries + b.stats!.upstreamQueries).toBe(h.net.count());
    expect(a.stats!.joinedQueries + b.stats!.joinedQueries).toBeGreaterThan(0);
  });

  it('an aborted client stops waiting; the other still gets the shared reply', async () => {
    const h = buildHierarchy(standardZones());
    const resolver = resolverFor(h, { transport: new HoldingTransport(h.net) });
    const ctl = new AbortController();
    const first = resolver.resolve(n('www.example.com'), T.A, { signal: ctl.signal });
    const second = resolver.resolve(n('www.example.com'), T.A);
    ctl.abort();
    const [a, b] = await Promise.all([first, second]);
    expect(a.verdict.id).toBe('ABORTED');
    expect(b.verdict.status, b.verdict.reason).toBe('secure');
  });
});

describe('the upstream description (protocol and port)', () => {
  it('a hint\'s port is used for the root servers, 53 for delegations (glue carries no port)', async () => {
    const h = buildHierarchy(standardZones());
    const hints = h.hints.map((x) => ({ ...x, port: 5353 }));
    const r = await resolverFor(h, { rootHints: hints }).resolve(n('www.example.com'), T.A);
    expect(r.verdict.status, r.verdict.reason).toBe('secure');
    const ports = new Map(h.net.log.map((q) => [q.address, q.port]));
    expect(ports.get(ADDR.rootA) ?? ports.get(ADDR.rootB)).toBe(5353);
    expect(ports.get(ADDR.com)).toBe(53);
  });

  it('TruncationFallback: do53 retries a truncated reply over TCP; a tcp upstream goes straight to TCP', async () => {
    const sent: boolean[] = [];
    const inner: Transport = {
      query: async (_s, _w, opts) => { sent.push(opts.tcp === true); return Uint8Array.from([0, 1, opts.tcp ? 0x80 : 0x82, 0]); },
      close: async () => undefined,
    };
    const t = new TruncationFallback(inner);
    const reply = await t.query({ address: '192.0.2.1', port: 53, protocol: 'do53' }, new Uint8Array(12), { timeoutMs: 100 });
    expect(sent).toEqual([false, true]);
    expect(reply[2]).toBe(0x80);
    sent.length = 0;
    await t.query({ address: '192.0.2.1', port: 53, protocol: 'tcp' }, new Uint8Array(12), { timeoutMs: 100 });
    expect(sent).toEqual([true]);
  });
});
