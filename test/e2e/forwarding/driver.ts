/**
 * Runs inside the hierarchy's namespace (`node --import tsx driver.ts JOB.json`): builds daneel resolvers
 * in-process — iterating, and forwarding to the Unbound upstreams over UDP, DoT and DoH — runs the job and prints
 * one JSON line per result. The test (forwarding.test.ts) reads the lines and compares.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createResolver } from '../../../resolver/resolve.js';
import { createRoutedResolver } from '../../../resolver/forward/index.js';
import { ForwardTable } from '../../../resolver/forward/zone-table.js';
import type { Resolver, ResolverConfig } from '../../../resolver/api.js';
import { resolverConfigFromFlags } from '../../../cli/config.js';
import { Name } from '../../../resolver/wire/name.js';
import { typeFromText } from '../../../resolver/wire/zonefile.js';
import { startForgingProxy, type Forgery } from './forging-proxy.js';

interface Job {
  rootHints: string;
  trustAnchor: string;
  ca: string;
  /** Mode name -> --forward specs ([] = iterate). */
  modes: Record<string, string[]>;
  cases?: Array<{ id: string; qname: string; qtype: string }>;
  /** --forward specs of a pass run before the modes, results ignored. */
  warmUp?: string[];
  forge?: { upstream: string; target: string; qtype: string; forgery: Forgery };
  concurrency?: { forward: string; upstreamTls: string; names: string[] };
  stream?: { forward: string[]; labels: string[]; names: string[]; waves: number; perWave: number };
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const out = (o: object): void => { process.stdout.write(JSON.stringify(o) + '\n'); };

function baseConfig(): ResolverConfig {
  return resolverConfigFromFlags({ rootHints: job.rootHints, trustAnchor: [job.trustAnchor], qnameMinimisation: 'yes', doIp6: 'yes' });
}

function build(specs: string[]): Resolver {
  if (specs.length === 0) return createResolver(baseConfig());
  return createRoutedResolver(baseConfig(), { table: ForwardTable.parse(specs), ca: job.ca });
}

async function ask(r: Resolver, qname: string, qtype: string): Promise<{ rcode: number; status: string; ede: number | null; reason: string; answers: number }> {
  const res = await r.resolve(Name.parse(qname), typeFromText(qtype)!);
  return { rcode: res.rcode, status: res.verdict.status, ede: res.verdict.ede ?? null, reason: res.verdict.reason, answers: res.answer.length };
}

async function runCases(): Promise<void> {
  if (job.warmUp) {
    // One pass through the upstream first: its cold recursion (a silent authority costs it seconds) is not
    // what is compared, the verdicts are.
    const w = build(job.warmUp);
    for (const c of job.cases ?? []) await ask(w, c.qname, c.qtype);
    await w.close();
  }
  for (const [mode, specs] of Object.entries(job.modes)) {
    const r = build(specs);
    for (const c of job.cases ?? []) out({ kind: 'case', mode, id: c.id, ...(await ask(r, c.qname, c.qtype)) });
    await r.close();
  }
}

async function runForge(): Promise<void> {
  const f = job.forge!;
  const proxy = await startForgingProxy(f.upstream, f.target, f.forgery);
  const r = build([`.=udp://127.0.0.1:${proxy.port}`]);
  out({ kind: 'forge', forgery: f.forgery, ...(await ask(r, f.target, f.qtype)), forged: proxy.forged });
  await r.close();
  await proxy.close();
}

/** 200 questions at once through one forwarding resolver; a TCP relay in front of the DoT port counts connections. */
async function runConcurrency(): Promise<void> {
  const c = job.concurrency!;
  let connections = 0;
  const relay = net.createServer((down) => {
    connections++;
    const up = net.connect({ host: c.upstreamTls, port: 853 });
    down.pipe(up).pipe(down);
    const drop = (): void => { down.destroy(); up.destroy(); };
    down.on('error', drop); up.on('error', drop); down.on('close', drop); up.on('close', drop);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const port = (relay.address() as net.AddressInfo).port;
  const r = build([c.forward.replace('PORT', String(port))]);
  const results = await Promise.all(c.names.map((n) => ask(r, n, 'TLSA')));
  out({ kind: 'concurrency', connections, results: results.map((x) => `${x.rcode}/${x.status}`) });
  await r.close();
  relay.close();
}

/** Waves of queries, back to back, through a zone with two upstreams; the test stops one upstream meanwhile. */
async function runStream(): Promise<void> {
  const s = job.stream!;
  const r = build(s.forward);
  let asked = 0;
  for (let wave = 0; wave < s.waves; wave++) {
    const batch = Array.from({ length: s.perWave }, (_, i) => s.names[(wave * s.perWave + i) % s.names.length]!);
    const results = await Promise.all(batch.map((n) => ask(r, n, 'TLSA')));
    asked += batch.length;
    out({ kind: 'wave', wave, results: results.map((x) => `${x.rcode}/${x.status}/${x.reason.slice(0, 200)}`) });
  }
  out({ kind: 'stream-done', asked });
  await r.close();
}

if (job.cases) await runCases();
if (job.forge) await runForge();
if (job.concurrency) await runConcurrency();
if (job.stream) await runStream();
out({ kind: 'done' });
