/**
 * Cold TLSA lookups: LEAVES (20) never-seen signed leaf zones behind a simulated RTT (30 ms) to every
 * authoritative server, asked one after the other of a freshly started resolver. daneel beside PowerDNS
 * Recursor and Unbound, each started cold in turn, in the same run and namespace. Reports the median and p90
 * lookup time and the upstream queries per lookup (counted at the delay proxy, priming included).
 * The target: daneel's median at most 0.8 × PowerDNS Recursor's, with no more upstream queries per
 * lookup than PowerDNS.
 *
 *   npm run bench:cold                          (root; about 2 min; needs nsd, ldnsutils, unbound, pdns-recursor)
 *   BENCH_ROUNDS=1 npm run bench:cold           (each resolver started cold once instead of 3 times)
 *   BENCH_LEAVES=10 BENCH_RTT_MS=50 BENCH_RESOLVERS=daneel,pdns npm run bench:cold
 */
import { ask, isSecureAnswer, rcodeName, type Outcome } from './lib/dns-client.js';
import { isInner, runInNetns, ownNamespace } from './lib/netns.js';
import { requirePrograms } from './lib/processes.js';
import { buildZones, startAuthorities, type Authorities } from './lib/authorities.js';
import { startDaneel, startPdnsRecursor, startUnbound, stopResolver, type Resolver, type Trust } from './lib/resolvers.js';
import { ADDR_DANEEL, ADDR_PDNS, ADDR_UNBOUND } from './lib/addresses.js';
import { envInt, fmt, percentile, table, writeResults } from './lib/report.js';
import type { ProxyCounts } from './lib/proxy-control.js';

/** Namespace and work folder; overridable so parallel checkouts each run their own (BENCH_NETNS, BENCH_WORKDIR). */
const NS = process.env.BENCH_NETNS ?? 'bench-cold';
const WORKDIR = process.env.BENCH_WORKDIR ?? '/tmp/bench-cold';
const LEAVES = envInt('BENCH_LEAVES', 20);
const RTT_MS = envInt('BENCH_RTT_MS', 30);
/** One lookup may take this long before it counts as failed (a cold chain is a handful of RTTs). */
const LOOKUP_TIMEOUT_MS = envInt('BENCH_LOOKUP_TIMEOUT_MS', 10_000);
/** Each resolver is started cold this many times (interleaved), asking all LEAVES names each time. */
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const TLSA_TTL = 3600;
const TARGET_MEDIAN_RATIO = 0.8;

const STARTERS: Record<string, (trust: Trust) => Promise<Resolver>> = {
  daneel: (t) => startDaneel(t, ADDR_DANEEL),
  pdns: (t) => startPdnsRecursor(t, ADDR_PDNS),
  unbound: (t) => startUnbound(t, ADDR_UNBOUND, { threads: 2, prefetch: false }),
};
const CHOSEN = (process.env.BENCH_RESOLVERS ?? 'daneel,pdns,unbound').split(',').map((s) => s.trim());
for (const name of CHOSEN) if (!STARTERS[name]) throw new Error(`BENCH_RESOLVERS: unknown resolver ${name} (daneel, pdns, unbound)`);

interface Round {
  lookups: Outcome[];
  upstream: ProxyCounts;
}

function summarise(resolver: string, rounds: Round[]) {
  const lookups = rounds.flatMap((r) => r.lookups);
  const ms = lookups.map((o) => o.ms);
  const upstream = rounds.reduce((n, r) => n + r.upstream.queries, 0);
  const byType: Record<string, number> = {};
  for (const r of rounds) for (const [t, n] of Object.entries(r.upstream.byType)) byType[t] = (byType[t] ?? 0) + n;
  return {
    resolver,
    lookups: lookups.length,
    secure: lookups.filter(isSecureAnswer).length,
    failures: lookups.filter((o) => !isSecureAnswer(o)).map((o) => o.error ?? `${rcodeName(o.rcode)} ad=${o.ad}`),
    // each round's first lookup also primes the root and learns bench.
    firstMs: percentile(rounds.map((r) => r.lookups[0]?.ms ?? NaN), 50),
    medianMs: percentile(ms, 50),
    p90Ms: percentile(ms, 90),
    maxMs: Math.max(...ms),
    upstreamQueries: upstream,
    upstreamPerLookup: upstream / lookups.length,
    upstreamTcp: rounds.reduce((n, r) => n + r.upstream.tcp, 0),
    upstreamByType: byType,
    latenciesMs: rounds.map((r) => r.lookups.map((o) => Number(o.ms.toFixed(2)))),
  };
}

/** Starts `name` fresh, asks every name once in order, stops it; the proxy's count covers its whole life. */
async function coldRound(name: string, auth: Authorities): Promise<Round> {
  await auth.proxy.takeCounts(); // from here on, every upstream query is this resolver's (start-up priming included)
  const resolver = await STARTERS[name]!(auth.trust);
  const lookups: Outcome[] = [];
  for (const qname of auth.names) lookups.push(await ask(resolver.address, resolver.port, qname, 'TLSA', LOOKUP_TIMEOUT_MS));
  await stopResolver(resolver);
  return { lookups, upstream: await auth.proxy.takeCounts() };
}

async function measure(): Promise<void> {
  const auth = await startAuthorities(WORKDIR, RTT_MS);
  const rounds = new Map<string, Round[]>(CHOSEN.map((name) => [name, []]));
  // rounds interleave the resolvers, so a change in the machine's load falls on all of them alike
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of CHOSEN) {
      const r = await coldRound(name, auth);
      rounds.get(name)!.push(r);
      console.log(`round ${round + 1}/${ROUNDS} ${name}: ${r.lookups.filter(isSecureAnswer).length}/${r.lookups.length} secure`);
    }
  }
  const rows = CHOSEN.map((name) => summarise(name, rounds.get(name)!));
  console.log(`\n### Cold TLSA lookups: ${LEAVES} new leaf zones × ${ROUNDS} cold starts, ${RTT_MS} ms RTT to every authority\n`);
  console.log(table(['resolver', 'secure', 'first ms', 'median ms', 'p90 ms', 'max ms', 'upstream q/lookup', 'TCP', 'upstream by type'],
    rows.map((r) => [r.resolver, `${r.secure}/${r.lookups}`, fmt(r.firstMs), fmt(r.medianMs), fmt(r.p90Ms), fmt(r.maxMs),
      fmt(r.upstreamPerLookup, 2), r.upstreamTcp, Object.entries(r.upstreamByType).map(([t, n]) => `${t} ${n}`).join(', ')])));
  const d = rows.find((r) => r.resolver === 'daneel');
  const p = rows.find((r) => r.resolver === 'pdns');
  let verdict: object = {};
  if (d && p) {
    const medianRatio = d.medianMs / p.medianMs;
    const queriesOk = d.upstreamPerLookup <= p.upstreamPerLookup;
    console.log(`\ndaneel/PowerDNS median: ${fmt(medianRatio, 2)} (target ≤ ${TARGET_MEDIAN_RATIO}: ${medianRatio <= TARGET_MEDIAN_RATIO ? 'met' : 'NOT met'}); ` +
      `upstream q/lookup ${fmt(d.upstreamPerLookup, 2)} vs ${fmt(p.upstreamPerLookup, 2)} (target ≤: ${queriesOk ? 'met' : 'NOT met'})`);
    verdict = { medianRatioDaneelPdns: medianRatio, medianTargetMet: medianRatio <= TARGET_MEDIAN_RATIO, upstreamTargetMet: queriesOk };
  }
  for (const r of rows) if (r.failures.length) console.log(`${r.resolver}: not secure: ${[...new Set(r.failures)].join(', ')}`);
  const file = writeResults('cold', { leaves: LEAVES, rounds: ROUNDS, rttMs: RTT_MS, measuredProxyRttMs: auth.measuredRttMs, results: rows, ...verdict });
  console.log(`\nresults: ${file}`);
  if (rows.some((r) => r.secure < r.lookups)) process.exitCode = 1;
}

if (!isInner(NS)) requirePrograms({ nsd: 'nsd', 'ldns-signzone': 'ldnsutils', openssl: 'openssl', ip: 'iproute2', ss: 'iproute2', unbound: 'unbound', pdns_recursor: 'pdns-recursor' });
await runInNetns(NS, ownNamespace(NS, () => buildZones(WORKDIR, LEAVES, TLSA_TTL)), measure);
