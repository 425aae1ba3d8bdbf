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

const NETNS = process.env['DANEEL_NETNS'] ?? 'forwarding-bench';
const UPSTREAM = '127.53.0.71';
const AUTH = 'upstream.bench.lab';
const COLD_REPS = Number(process.env['BENCH_COLD_REPS'] ?? 15);
const WARM_REPS = Number(process.env['BENCH_WARM_REPS'] ?? 200);
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
  const f = (x: number): string => x.toFixed(2).padStart(8);
  console.log(`TLSA latency, median (p90) in ms; ${COLD_REPS} cold (fresh resolver) and ${WARM_REPS} warm queries per mode, ${NAMES.length} names, upstream Unbound ${UPSTREAM}`);
  console.log('mode        cold            warm');
  for (const r of rows) console.log(`${r.mode.padEnd(8)} ${f(r.coldMs)} (${f(r.coldP90Ms)})  ${f(r.warmMs)} (${f(r.warmP90Ms)})`);
  console.log('ratios (median)          cold    warm');
  for (const [a, b] of [['dot', 'udp'], ['doh', 'udp'], ['dot', 'iterate'], ['doh', 'iterate'], ['udp', 'iterate']] as const) {
    console.log(`${`${a} / ${b}`.padEnd(22)} ${(by[a]!.coldMs / by[b]!.coldMs).toFixed(2).padStart(6)}  ${(by[a]!.warmMs / by[b]!.warmMs).toFixed(2).padStart(6)}`);
  }
} finally {
  await upstream.stop();
  script('stop.sh');
  rmSync(work, { recursive: true, force: true });
}
