/**
 * Keep-warm: NAMES (50) peers' TLSA records with a 60 s TTL, each in its own signed leaf zone behind a
 * simulated RTT (30 ms) to every authority; clients ask every peer again every INTERVAL for SECONDS (300).
 * Reports the share of client queries after the first pass that waited on the network: a reply taking at least
 * WAIT_MS (default: the RTT — a cache hit takes well under 5 ms, a reply that needed even one upstream round trip
 * takes at least the RTT). daneel gets `--keep-warm NAME` for every peer when its `serve` has that
 * flag (without it the run still reports the share); Unbound (prefetch: yes) runs beside it, in the same run,
 * fresh, asked the same names at the same moments.
 *
 *   npm run bench:keepwarm                      (root; SECONDS + about 30 s)
 *   BENCH_SECONDS=60 npm run bench:keepwarm     (a quick run: one TTL)
 * Also: BENCH_NAMES, BENCH_TTL, BENCH_RTT_MS, BENCH_INTERVAL_MS, BENCH_WAIT_MS.
 */
import { ask, isSecureAnswer, type Outcome } from './lib/dns-client.js';
import { isInner, runInNetns, ownNamespace } from './lib/netns.js';
import { requirePrograms } from './lib/processes.js';
import { buildZones, startAuthorities } from './lib/authorities.js';
import { daneelHasFlag, startDaneel, startUnbound, stopResolver, type Resolver } from './lib/resolvers.js';
import { ADDR_DANEEL, ADDR_UNBOUND } from './lib/addresses.js';
import { envInt, fmt, percentile, table, writeResults } from './lib/report.js';

/** BENCH_NETNS / BENCH_WORKDIR let two checkouts run this at once (each helper's namespaces carry its name). */
const NS = process.env['BENCH_NETNS'] ?? 'bench-keepwarm';
const WORKDIR = process.env['BENCH_WORKDIR'] ?? '/tmp/bench-keepwarm';
const NAMES = envInt('BENCH_NAMES', 50);
const TTL = envInt('BENCH_TTL', 60);
const SECONDS = envInt('BENCH_SECONDS', 300);
const RTT_MS = envInt('BENCH_RTT_MS', 30);
/** Every peer is asked again this often (ms); the peers' first queries are spread evenly over one interval. */
const INTERVAL_MS = envInt('BENCH_INTERVAL_MS', 2000);
/**
 * A reply this slow waited on the network: the proxy holds every upstream exchange for the full RTT, so a reply
 * that needed one is at least RTT_MS; a cache hit is well under 5 ms on an idle machine. On a loaded machine a
 * cache hit can be late too: Unbound's share, beside it in the same run, shows that noise floor.
 */
const WAIT_MS = envInt('BENCH_WAIT_MS', RTT_MS);
/** A client query not answered within this long counts as failed (and as waited). */
const QUERY_TIMEOUT_MS = 5000;

interface Asked extends Outcome {
  pass: number;
  atS: number;
}

function summarise(name: string, asked: Asked[], upstream: number, keepWarm: boolean | null) {
  const later = asked.filter((a) => a.pass > 0);
  const waited = later.filter((a) => a.error !== undefined || a.ms >= WAIT_MS);
  const ms = later.map((a) => a.ms);
  return {
    resolver: name,
    keepWarm,
    queries: asked.length,
    afterFirstPass: later.length,
    waited: waited.length,
    waitedShare: later.length ? waited.length / later.length : NaN,
    notSecure: asked.filter((a) => !isSecureAnswer(a)).length,
    p50Ms: percentile(ms, 50),
    p99Ms: percentile(ms, 99),
    maxMs: Math.max(...ms),
    upstreamQueries: upstream,
    upstreamPerMinute: upstream / (SECONDS / 60),
    // when the waits happened (seconds since start), to see whether they cluster at TTL expiry
    waitedAtS: waited.map((a) => Number(a.atS.toFixed(1))),
  };
}

async function measure(): Promise<void> {
  const auth = await startAuthorities(WORKDIR, RTT_MS);
  const keepWarm = daneelHasFlag('--keep-warm');
  const warmArgs = keepWarm ? auth.names.flatMap((n) => ['--keep-warm', n]) : [];
  console.log(keepWarm ? `daneel runs with --keep-warm for all ${NAMES} names` : 'this daneel has no --keep-warm flag: measured without it');
  const resolvers: Resolver[] = [
    await startDaneel(auth.trust, ADDR_DANEEL, warmArgs),
    await startUnbound(auth.trust, ADDR_UNBOUND, { threads: 2, prefetch: true }),
  ];
  await auth.proxy.takeCounts();
  const asked = new Map<string, Asked[]>(resolvers.map((r) => [r.name, []]));
  const pending: Array<Promise<void>> = [];
  const start = performance.now();
  const passes = Math.max(1, Math.floor((SECONDS * 1000) / INTERVAL_MS));
  for (let pass = 0; pass < passes; pass++) {
    for (let i = 0; i < auth.names.length; i++) {
      const due = start + pass * INTERVAL_MS + (i * INTERVAL_MS) / auth.names.length;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const atS = (performance.now() - start) / 1000;
      for (const r of resolvers) {
        pending.push(ask(r.address, r.port, auth.names[i]!, 'TLSA', QUERY_TIMEOUT_MS).then((o) => {
          asked.get(r.name)!.push({ ...o, pass, atS });
        }));
      }
    }
    if (pass % Math.max(1, Math.floor(60_000 / INTERVAL_MS)) === 0) console.log(`pass ${pass + 1}/${passes}`);
  }
  await Promise.all(pending);
  for (const r of resolvers) await stopResolver(r);
  const counts = await auth.proxy.takeCounts();
  const unboundUpstream = counts.bySource[ADDR_UNBOUND] ?? 0;
  const rows = [
    summarise('daneel', asked.get('daneel')!, counts.queries - unboundUpstream, keepWarm),
    summarise('unbound', asked.get('unbound')!, unboundUpstream, null),
  ];
  console.log(`\n### Keep-warm: ${auth.names.length} peers, TLSA TTL ${TTL} s, asked every ${INTERVAL_MS} ms for ${SECONDS} s, ${RTT_MS} ms RTT\n`);
  console.log(table(['resolver', 'queries after first pass', 'waited (≥ ' + WAIT_MS + ' ms)', 'share waited', 'p50 ms', 'p99 ms', 'not secure', 'upstream q/min'],
    rows.map((r) => [r.keepWarm ? 'daneel --keep-warm' : r.resolver === 'daneel' ? 'daneel (no keep-warm)' : 'unbound (prefetch)',
      r.afterFirstPass, r.waited, `${fmt(r.waitedShare * 100, 2)} %`, fmt(r.p50Ms), fmt(r.p99Ms), r.notSecure, fmt(r.upstreamPerMinute, 0)])));
  const file = writeResults('keepwarm', { names: auth.names.length, ttl: TTL, seconds: SECONDS, intervalMs: INTERVAL_MS, rttMs: RTT_MS,
    waitThresholdMs: WAIT_MS, measuredProxyRttMs: auth.measuredRttMs, results: rows });
  console.log(`\nresults: ${file}`);
}

if (!isInner(NS)) requirePrograms({ nsd: 'nsd', 'ldns-signzone': 'ldnsutils', openssl: 'openssl', ip: 'iproute2', ss: 'iproute2', unbound: 'unbound' });
await runInNetns(NS, ownNamespace(NS, () => buildZones(WORKDIR, NAMES, TTL)), measure);
