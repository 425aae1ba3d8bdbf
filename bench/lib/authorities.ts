/**
 * The delay benchmarks' authoritative side: builds the signed hierarchy (build-zones.sh), starts its three NSD
 * instances and the delay proxy in front of them, and checks a query crosses the proxy with the intended delay.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ask } from './dns-client.js';
import { startProcess, assertRunning } from './processes.js';
import { DelayProxy } from './proxy-control.js';
import { ADDR_ROOT, ADDR_TLD, LEAF_PREFIX, REAL_PORT } from './addresses.js';
import type { Trust } from './resolvers.js';

/** How long an NSD instance may take to load its zones and answer. */
const NSD_START_TIMEOUT_MS = 30_000;

const BUILD_SCRIPT = fileURLToPath(new URL('./build-zones.sh', import.meta.url));

/** Outer process, before entering the namespace: sign LEAVES leaf zones whose TLSA records have TTL `tlsaTtl`. */
export function buildZones(workdir: string, leaves: number, tlsaTtl: number): void {
  execFileSync('bash', [BUILD_SCRIPT, workdir, String(leaves), String(tlsaTtl)], { stdio: ['ignore', 'inherit', 'inherit'] });
}

export interface Authorities {
  proxy: DelayProxy;
  trust: Trust;
  /** The TLSA owner names, one per leaf zone, in order. */
  names: string[];
  /** Round trip measured through the proxy to the root server (ms): the sanity check of the delay. */
  measuredRttMs: number;
}

/** Inner process: NSD ×3, then the delay proxy; returns once a root SOA query crosses the proxy. */
export async function startAuthorities(workdir: string, rttMs: number): Promise<Authorities> {
  const logs = join(workdir, 'logs');
  mkdirSync(logs, { recursive: true });
  const instances: Array<[string, string, string]> = [['nsd-root', ADDR_ROOT, '.'], ['nsd-tld', ADDR_TLD, 'bench.'], ['nsd-leaves', `${LEAF_PREFIX}.1`, 'z1.bench.']];
  for (const [name, addr, zone] of instances) {
    const log = join(logs, `${name}.log`);
    const child = startProcess(name, 'nsd', ['-d', '-c', join(workdir, `${name}.conf`)], log);
    const deadline = Date.now() + NSD_START_TIMEOUT_MS;
    for (;;) {
      assertRunning(child, log);
      const r = await ask(addr, REAL_PORT, zone, 'SOA', 1000);
      if (r.rcode === 0 && (r.answers ?? 0) > 0) break;
      if (Date.now() > deadline) throw new Error(`${name} did not answer ${zone} SOA at ${addr}:${REAL_PORT}; see ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const proxy = await DelayProxy.start(join(workdir, 'proxy.json'), rttMs);
  const probe = await ask(ADDR_ROOT, 53, '.', 'SOA', 5000);
  if (probe.error || probe.rcode !== 0) throw new Error(`root SOA through the delay proxy failed: ${probe.error ?? probe.rcode}`);
  // the proxy holds each exchange for the full RTT: a faster reply means the delay is not in the path
  if (probe.ms < rttMs) throw new Error(`root SOA through the delay proxy took ${probe.ms.toFixed(1)} ms, less than the ${rttMs} ms RTT`);
  await proxy.takeCounts(); // the probe is not a resolver's query
  console.log(`delay proxy up: root SOA round trip ${probe.ms.toFixed(1)} ms (simulated RTT ${rttMs} ms)`);
  const trust = { workdir, rootHints: join(workdir, 'root.hints'), rootDs: join(workdir, 'root.ds') };
  const names = readFileSync(join(workdir, 'names.txt'), 'utf8').split('\n').filter(Boolean);
  return { proxy, trust, names, measuredRttMs: probe.ms };
}
