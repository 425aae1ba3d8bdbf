/** The metrics registry and the decorators feeding it, read back through an independent text-format parser. */
import { describe, expect, it } from 'vitest';
import parsePrometheus from 'parse-prometheus-text-format';
import { Name } from '../../../resolver/wire/name.js';
import { TransportError } from '../../../resolver/transport/transport.js';
import type { Transport } from '../../../resolver/transport/transport.js';
import { bogus, indeterminate, secure, EDE } from '../../../resolver/dnssec/verdict.js';
import { createMetricsRegistry } from '../../../server/metrics/registry.js';
import { createDaneelMetrics, instrumentResolver, instrumentTransport } from '../../../server/metrics/instruments.js';
import { FakeResolver } from '../fake-resolver.js';

async function families(text: Promise<string>) {
  return new Map(parsePrometheus(await text).map((f) => [f.name, f]));
}

describe('metrics', () => {
  it('fromStats reads a component\'s own counts at each scrape (how the cache\'s stats() plugs in)', async () => {
    const registry = createMetricsRegistry();
    const stats = { hits: 3, entries: 10 };
    registry.fromStats({ name: 'daneel_cache_hits_total', help: 'hits', kind: 'counter' }, () => stats.hits);
    registry.fromStats({ name: 'daneel_cache_entries', help: 'entries', kind: 'gauge', labelNames: ['kind'] }, () => [[{ kind: 'positive' }, stats.entries], [{ kind: 'negative' }, 2]]);
    let f = await families(registry.text());
    expect(f.get('daneel_cache_hits_total')).toMatchObject({ type: 'COUNTER', metrics: [{ value: '3' }] });
    expect(f.get('daneel_cache_entries')!.metrics).toEqual([{ value: '10', labels: { kind: 'positive' } }, { value: '2', labels: { kind: 'negative' } }]);
    stats.hits = 7;
    f = await families(registry.text());
    expect(f.get('daneel_cache_hits_total')!.metrics).toEqual([{ value: '7' }]);
  });

  it('the Transport decorator counts queries, failures by code and RTT (with an injected clock)', async () => {
    const m = createDaneelMetrics(createMetricsRegistry());
    let t = 0;
    const replies: Array<Uint8Array | Error> = [new Uint8Array([1]), new TransportError('TIMEOUT', 'no reply'), new Uint8Array([2])];
    const inner: Transport = { query: async () => { t += 4; const r = replies.shift()!; if (r instanceof Error) throw r; return r; }, close: async () => undefined };
    const transport = instrumentTransport(inner, m, () => t);
    const server = { address: '192.0.2.1', port: 53 };
    await transport.query(server, new Uint8Array(12), { timeoutMs: 400, tcp: false });
    await expect(transport.query(server, new Uint8Array(12), { timeoutMs: 400, tcp: false })).rejects.toThrow('no reply');
    await transport.query(server, new Uint8Array(12), { timeoutMs: 400, tcp: true });
    const f = await families(m.registry.text());
    expect(f.get('daneel_upstream_queries_total')!.metrics).toEqual([{ value: '2', labels: { protocol: 'udp' } }, { value: '1', labels: { protocol: 'tcp' } }]);
    expect(f.get('daneel_upstream_failures_total')!.metrics).toEqual([{ value: '1', labels: { protocol: 'udp', code: 'TIMEOUT' } }]);
    const text = await m.registry.text();
    expect(text).toContain('daneel_upstream_rtt_seconds_sum{protocol="udp"} 0.004');
    expect(text).toContain('daneel_upstream_rtt_seconds_count{protocol="tcp"} 1');
  });

  it('the Resolver decorator counts verdicts by status and EDE, and the limits that ended requests', async () => {
    const m = createDaneelMetrics(createMetricsRegistry());
    const inner = new FakeResolver()
      .on('a.example.', 'A', { verdict: secure('ok') })
      .on('b.example.', 'A', { verdict: bogus('expired', EDE.SIGNATURE_EXPIRED) })
      .on('c.example.', 'A', { verdict: indeterminate('too many queries', EDE.OTHER, 'QUERY_BUDGET') });
    const r = instrumentResolver(inner, m, () => 0);
    for (const n of ['a.example.', 'b.example.', 'c.example.']) await r.resolve(Name.parse(n), 1);
    const f = await families(m.registry.text());
    expect(f.get('daneel_resolutions_total')!.metrics).toEqual([
      { value: '1', labels: { status: 'secure', ede: 'none' } },
      { value: '1', labels: { status: 'bogus', ede: '7' } },
      { value: '1', labels: { status: 'indeterminate', ede: '0' } },
    ]);
    expect(f.get('daneel_limits_hit_total')!.metrics).toEqual([{ value: '1', labels: { limit: 'upstream-queries' } }]);
  });
});
