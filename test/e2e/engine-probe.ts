/**
 * Runs inside the hierarchy's namespace (test/hierarchy/netns-run.ts): one resolver, the real StandardTransport,
 * the queries given on the command line resolved one after another (or together with --parallel). For each
 * result one JSON line: rcode, verdict, TTLs, rank, the resolver's own upstream count, and every upstream
 * question this request put on the wire as seen by a counting wrapper around the transport.
 *
 *   node --import tsx test/e2e/engine-probe.ts --root-hints F --trust-anchor F [--parallel] NAME/TYPE ...
 */
import { parseArgs } from 'node:util';
import { createResolver } from '../../resolver/resolve.js';
import { resolverConfigFromFlags } from '../../cli/config.js';
import { decodeMessage } from '../../resolver/wire/message.js';
import { Name } from '../../resolver/wire/name.js';
import { typeFromName, typeName } from '../../resolver/wire/types.js';
import type { QueryOptions, ServerAddress, Transport } from '../../resolver/transport/transport.js';

/** Logs "address qname qtype" of each query before passing it on. */
class CountingTransport implements Transport {
  readonly log: string[] = [];
  constructor(private readonly inner: Transport) {}
  query(server: ServerAddress, wire: Uint8Array, opts: QueryOptions): Promise<Uint8Array> {
    const q = decodeMessage(wire).question[0]!;
    this.log.push(`${server.address} ${q.name.toString().toLowerCase()} ${typeName(q.type)}`);
    return this.inner.query(server, wire, opts);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'root-hints': { type: 'string' }, 'trust-anchor': { type: 'string', multiple: true }, parallel: { type: 'boolean' } },
});
const config = resolverConfigFromFlags({ rootHints: values['root-hints']!, trustAnchor: values['trust-anchor'] ?? [], qnameMinimisation: 'yes', doIp6: 'yes' });
const transport = new CountingTransport(config.transport);
const resolver = createResolver({ ...config, transport });

async function one(spec: string): Promise<Record<string, unknown>> {
  const [name, type] = spec.split('/') as [string, string];
  const before = transport.log.length;
  const r = await resolver.resolve(Name.parse(name), typeFromName(type)!);
  return {
    query: spec, rcode: r.rcode, status: r.verdict.status, reason: r.verdict.reason, ttl: r.ttl, rank: r.rank,
    upstreamQueries: r.stats?.upstreamQueries, wire: transport.log.slice(before),
    answer: r.answer.map((rr) => ({ name: rr.name.toString(), type: typeName(rr.type), ttl: rr.ttl })),
  };
}

if (values.parallel) {
  for (const line of await Promise.all(positionals.map(one))) console.log(JSON.stringify(line));
} else {
  for (const spec of positionals) console.log(JSON.stringify(await one(spec)));
}
console.log(JSON.stringify({ event: 'done', total: transport.log.length, wire: transport.log }));
await resolver.close();
