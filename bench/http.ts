/**
 * Throughput of the HTTP API against the DNS socket of the same warm daneel, in one run, on the signed test
 * hierarchy (NSD, BIND, Knot in a network namespace; needs root):
 * - socket: TLSA queries for _443._tcp.www.iot.example over UDP, C in flight (a node loop; dnsperf is not in Debian 12's
 *   default install here), against `daneel serve --listen`;
 * - GET /dns-query (DoH, the same query) and GET /tlsa?host=www.iot.example&port=443 (which resolves the host's A
 *   RRset for RFC 7671 §7 and then the TLSA RRset: two resolutions per request) with autocannon, C connections.
 * Runs alternate in rounds so a noisy neighbour affects each alike; the ratios are the result.
 *
 *   sudo npm run bench:http                       (about 1 min: hierarchy build, 12 rounds × 3 loads × 1.5 s)
 *   BENCH_MS=3000 BENCH_CONCURRENCY=16 DANEEL_NETNS=bench-http sudo -E npm run bench:http
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { buildQuery } from '../resolver/wire/query.js';
import { Name } from '../resolver/wire/name.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const HIER = join(REPO, 'test', 'hierarchy');
const NETNS = process.env.DANEEL_NETNS ?? 'daneel-bench';
// Short runs, many rounds: on a shared machine the load changes from second to second, and alternating often
// exposes the three loads to it alike.
const RUN_MS = Number(process.env.BENCH_MS ?? 1500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const ADDRESS = '127.0.0.1';
const DNS_PORT = 5300;
const HTTP_PORT = 8053;
const OWNER = '_443._tcp.www.iot.example.';
/** Seconds autocannon waits for a response by default, as milliseconds: the UDP loop waits as long. */
const CLIENT_TIMEOUT_MS = 10_000;
const HOST = 'www.iot.example';

/** Parent: build and start the hierarchy, run the load inside its namespace, stop it. */
function parent(): void {
  const workdir = mkdtempSync(join(tmpdir(), 'daneel-bench-http-'));
  const env = { ...process.env, DANEEL_NETNS: NETNS };
  try {
    execFileSync('bash', [join(HIER, 'build.sh'), workdir], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('bash', [join(HIER, 'start.sh'), workdir], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const info = JSON.parse(readFileSync(join(workdir, 'info.json'), 'utf8')) as { rootHints: string; trustAnchor: string };
    execFileSync('ip', ['netns', 'exec', NETNS, process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), 'load', info.rootHints, info.trustAnchor],
      { cwd: REPO, env, stdio: 'inherit' });
  } finally {
    execFileSync('bash', [join(HIER, 'stop.sh'), workdir], { env, stdio: 'ignore' });
    rmSync(workdir, { recursive: true, force: true });
  }
}

/**
 * Answers per second of a UDP loop keeping `concurrency` TLSA queries in flight for `ms`. Counted as autocannon
 * counts: answers received within the window; queries still in flight at its end are abandoned.
 */
async function socketLoop(ms: number, concurrency: number): Promise<{ rps: number; errors: number; timeouts: number }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, ADDRESS, () => r()));
  const name = Name.parse(OWNER);
  const pending = new Map<number, NodeJS.Timeout>();
  let done = 0;
  let errors = 0;
  let timeouts = 0;
  let nextId = 1;
  let open = true;
  const send = (): void => {
    if (!open) return;
    const id = nextId = (nextId + 1) & 0xffff;
    const q = buildQuery({ id, name, type: 52, rd: true, cd: false, do: true, ad: true });
    // Unanswered after CLIENT_TIMEOUT_MS (autocannon's own request timeout): given up and replaced.
    pending.set(id, setTimeout(() => { pending.delete(id); timeouts++; send(); }, CLIENT_TIMEOUT_MS));
    socket.send(q, DNS_PORT, ADDRESS);
  };
  socket.on('message', (msg) => {
    const id = msg.readUInt16BE(0);
    const timer = pending.get(id);
    if (!timer || !open) return;
    clearTimeout(timer);
    pending.delete(id);
    if ((msg[3]! & 0x0f) === 0) done++; else errors++;
    send();
  });
  for (let i = 0; i < concurrency; i++) send();
  await new Promise((r) => setTimeout(r, ms));
  open = false;
  for (const t of pending.values()) clearTimeout(t);
  socket.close();
  return { rps: done / (ms / 1000), errors, timeouts };
}

async function http(path: string, ms: number, concurrency: number): Promise<{ rps: number; errors: number }> {
  const r = await autocannon({ url: `http://${ADDRESS}:${HTTP_PORT}${path}`, connections: concurrency, duration: ms / 1000 });
  const non2xx = r.non2xx + r.errors + r.timeouts;
  return { rps: r.requests.total / (ms / 1000) - non2xx / (ms / 1000), errors: non2xx };
}

async function waitReady(child: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`daneel serve exited with ${child.exitCode}`);
    try {
      const res = await fetch(`http://${ADDRESS}:${HTTP_PORT}/healthz`);
      if (res.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('daneel serve did not come up');
}

/** Child, inside the namespace: daneel serve, warm-up, then alternating rounds. */
async function load(rootHints: string, trustAnchor: string): Promise<void> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'daneel.js'), 'serve', '--listen', `${ADDRESS}:${DNS_PORT}`, '--http', `${ADDRESS}:${HTTP_PORT}`,
    '--root-hints', rootHints, '--trust-anchor', trustAnchor, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitReady(child);
    const dohQuery = Buffer.from(buildQuery({ id: 0, name: Name.parse(OWNER), type: 52, rd: true, cd: false, do: true, ad: true })).toString('base64url');
    const tlsa = await (await fetch(`http://${ADDRESS}:${HTTP_PORT}/tlsa?host=${HOST}&port=443`)).json() as { verdict: string };
    if (tlsa.verdict !== 'usable-tlsa') throw new Error(`warm-up /tlsa gave ${JSON.stringify(tlsa)}`);
    // Warm: server health, primed root, code paths JIT-compiled.
    await socketLoop(1000, CONCURRENCY);
    await http(`/tlsa?host=${HOST}&port=443`, 1000, CONCURRENCY);
    const runs: Record<string, number[]> = { socket: [], doh: [], tlsa: [] };
    const errors: Record<string, number> = { socket: 0, doh: 0, tlsa: 0, socketTimeouts: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const s = await socketLoop(RUN_MS, CONCURRENCY);
      const d = await http(`/dns-query?dns=${dohQuery}`, RUN_MS, CONCURRENCY);
      const t = await http(`/tlsa?host=${HOST}&port=443`, RUN_MS, CONCURRENCY);
      runs.socket!.push(s.rps); runs.doh!.push(d.rps); runs.tlsa!.push(t.rps);
      errors.socket! += s.errors; errors.doh! += d.errors; errors.tlsa! += t.errors; errors.socketTimeouts! += s.timeouts;
    }
    // One in flight: per-request latency of each path, without queueing inside the daemon.
    const single = { socket: await socketLoop(RUN_MS, 1), doh: await http(`/dns-query?dns=${dohQuery}`, RUN_MS, 1) };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const m = { socket: median(runs.socket!), doh: median(runs.doh!), tlsa: median(runs.tlsa!) };
    const line = (label: string, rps: number, err: number, note: string) =>
      `${label.padEnd(34)} ${rps.toFixed(0).padStart(7)} /s  ${(rps / m.socket).toFixed(2).padStart(5)} × socket  errors ${err}  ${note}`;
    process.stdout.write([
      `daneel warm, ${CONCURRENCY} in flight, ${ROUNDS} rounds × ${RUN_MS} ms each, medians (no answer cache yet: each request resolves from the root)`,
      line('UDP socket, TLSA query', m.socket, errors.socket!, `1 resolution per request; ${errors.socketTimeouts} queries unanswered after ${CLIENT_TIMEOUT_MS / 1000} s`),
      line('GET /dns-query (DoH), same query', m.doh, errors.doh!, '1 resolution per request'),
      line('GET /tlsa?host&port', m.tlsa, errors.tlsa!, '2 resolutions per request (A for RFC 7671 §7, then TLSA)'),
      `per resolution: /tlsa ${(2 * m.tlsa / m.socket).toFixed(2)} × socket`,
      `1 in flight: socket ${single.socket.rps.toFixed(0)} /s, DoH ${single.doh.rps.toFixed(0)} /s (${(single.doh.rps / single.socket.rps).toFixed(2)} ×)`,
      JSON.stringify({ concurrency: CONCURRENCY, runMs: RUN_MS, rounds: runs, errors }),
    ].join('\n') + '\n');
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.argv[2] === 'load') await load(process.argv[3]!, process.argv[4]!);
else parent();
