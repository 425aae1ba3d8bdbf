/**
 * The measuring half of `npm run bench:forward`, run inside the bench's network namespace: TLSA latency through
 * daneel iterating, and forwarding to one Unbound upstream over UDP, DoT and DoH, cold (a fresh resolver: new
 * connection, empty chain cache) and warm (the same resolver again). Prints one JSON line per mode.
 */
import { readFileSync } from 'node:fs';
import { createResolver } from '../resolver/resolve.js';
import { createRoutedResolver } from '../resolver/forward/index.js';
import { ForwardTable } from '../resolver/forward/zone-table.js';
import type { Resolver } from '../resolver/api.js';
import { resolverConfigFromFlags } from '../cli/config.js';
import { Name } from '../resolver/wire/name.js';
import { T } from '../resolver/wire/types.js';
import { percentile } from './lib/report.js';

interface Job { rootHints: string; trustAnchor: string; ca: string; modes: Record<string, string[]>; names: string[]; coldReps: number; warmReps: number }
const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;

function build(specs: string[]): Resolver {
  const config = resolverConfigFromFlags({ rootHints: job.rootHints, trustAnchor: [job.trustAnchor] });
  return specs.length === 0 ? createResolver(config) : createRoutedResolver(config, { table: ForwardTable.parse(specs), ca: job.ca });
}

async function timed(r: Resolver, name: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await r.resolve(Name.parse(name), T.TLSA);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.verdict.status !== 'secure') throw new Error(`${name}: ${res.verdict.status} (${res.verdict.reason})`);
  return ms;
}

// Warm the upstream's own cache first, so every mode measures daneel's side, not Unbound's first recursion.
const warmUp = build(job.modes['udp']!);
for (const n of job.names) await timed(warmUp, n);
await warmUp.close();

for (const [mode, specs] of Object.entries(job.modes)) {
  const cold: number[] = [];
  for (let i = 0; i < job.coldReps; i++) {
    const r = build(specs);
    cold.push(await timed(r, job.names[i % job.names.length]!));
    await r.close();
  }
  const r = build(specs);
  for (const n of job.names) await timed(r, n);
  const warm: number[] = [];
  for (let i = 0; i < job.warmReps; i++) warm.push(await timed(r, job.names[i % job.names.length]!));
  await r.close();
  process.stdout.write(JSON.stringify({ mode, coldMs: percentile(cold, 50), coldP90Ms: percentile(cold, 90), warmMs: percentile(warm, 50), warmP90Ms: percentile(warm, 90), cold, warm }) + '\n');
}
