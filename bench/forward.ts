/**
 * `npm run bench:forward` (as root): TLSA latency through daneel forwarding over DoT and DoH, against the same
 * upstream over plain UDP and against daneel iterating, in one run on the signed test hierarchy, with ratios.
 * Builds and starts the hierarchy in the namespace `forwarding-bench` (DANEEL_NETNS), starts one Unbound upstream
 * (tls-port 853, https-port 443, certificate from a CA made here), measures inside the namespace
 * (bench/forward-driver.ts), and stops exactly what it started.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki } from '../test/support/tls-certs.js';
import { DOH_PATH, startUpstream } from '../test/e2e/forwarding/upstreams.js';
import type { HierarchyInfo } from '../test/hierarchy/global-setup.js';
import { envInt, fmt, table, writeResults } from './lib/report.js';

const NETNS = process.env['DANEEL_NETNS'] ?? 'forwarding-bench';
const UPSTREAM = '127.53.0.71';
const AUTH = 'upstream.bench.lab';
/** Fresh resolvers per mode (each one lookup: connection, handshake, chain walk) and warm lookups per mode. */
const COLD_REPS = envInt('BENCH_COLD_REPS', 20);
const WARM_REPS = envInt('BENCH_WARM_REPS', 300);
const NAMES = ['_443._tcp.www.iot.example.', 'ns._device.iot.example.', '_443._tcp.www.alg13.example.', '_443._tcp.www.alg8.example.'];

const repo = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'daneel-bench-forward-'));
const env = { ...process.env, DANEEL_NETNS: NETNS };
const script = (name: string): void => { execFileSync('bash', [join(repo, 'test/hierarchy', name), join(work, 'hier')], { env, stdio: ['ignore', 'ignore', 'inherit'] }); };

script('build.sh');
script('start.sh');
const h = JSON.parse(readFileSync(join(work, 'hier', 'info.json'), 'utf8')) as HierarchyInfo;
const pki = makeTestPki([AUTH], [UPSTREAM], mkdtempSync(join(work, 'pki-')));
const upstream = await startUpstream(h, UPSTREAM, pki, work);
// Ctrl-C stops exactly what this run started (the Unbound PID, the hierarchy's recorded PIDs, the namespace).
const cleanup = async (): Promise<void> => { await upstream.stop(); script('stop.sh'); rmSync(work, { recursive: true, force: true }); };
process.once('SIGINT', () => { void cleanup().finally(() => process.exit(130)); });
try {
  const modes = {
    iterate: [],
    udp: [`.=udp://${UPSTREAM}`],
    dot: [`.=tls://${UPSTREAM}?name=${AUTH}`],
    doh: [`.=https://${UPSTREAM}${DOH_PATH}?name=${AUTH}`],
  };
  const jobFile = join(work, 'job.json');
  writeFileSync(jobFile, JSON.stringify({ rootHints: h.rootHints, trustAnchor: h.trustAnchor, ca: pki.ca, modes, names: NAMES, coldReps: COLD_REPS, warmReps: WARM_REPS }));
  const ran = spawnSync('ip', ['netns', 'exec', NETNS, process.execPath, '--import', 'tsx', join(repo, 'bench/forward-driver.ts'), jobFile], { cwd: repo, encoding: 'utf8', timeout: 600_000 });
  if (ran.status !== 0) throw new Error(`driver failed: ${ran.stderr}`);
  const rows = ran.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { mode: string; coldMs: number; coldP90Ms: number; warmMs: number; warmP90Ms: number });
  const by = Object.fromEntries(rows.map((r) => [r.mode, r]));
  console.log(`TLSA latency in ms through daneel, ${COLD_REPS} cold (fresh resolver) and ${WARM_REPS} warm lookups per mode over ${NAMES.length} secure names; upstream: Unbound at ${UPSTREAM}\n`);
  console.log(table(['mode', 'cold p50', 'cold p90', 'warm p50', 'warm p90'], rows.map((r) => [r.mode, fmt(r.coldMs, 2), fmt(r.coldP90Ms, 2), fmt(r.warmMs, 2), fmt(r.warmP90Ms, 2)])));
  const pairs = [['dot', 'udp'], ['doh', 'udp'], ['dot', 'iterate'], ['doh', 'iterate'], ['udp', 'iterate']] as const;
  const ratios = pairs.map(([a, b]) => ({ ratio: `${a} / ${b}`, cold: by[a]!.coldMs / by[b]!.coldMs, warm: by[a]!.warmMs / by[b]!.warmMs }));
  console.log('\n' + table(['ratio of medians', 'cold', 'warm'], ratios.map((r) => [r.ratio, fmt(r.cold, 2), fmt(r.warm, 2)])));
  const file = writeResults('forward', { settings: { coldReps: COLD_REPS, warmReps: WARM_REPS, names: NAMES, upstream: 'unbound 1.17' }, modes: rows, ratios });
  console.log(`\nresults: ${file}`);
} finally {
  await cleanup();
}
