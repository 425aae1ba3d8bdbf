/**
 * Starts the resolvers a benchmark compares — daneel (this checkout's `bin/daneel.js`, or BENCH_DANEEL=path),
 * Unbound and PowerDNS Recursor — on one address each, port 53, against a private root (hints + DS anchor).
 * Each gets its own configuration file and log under the benchmark's work directory; readiness is the listening
 * socket, never a query (a query would warm the cold benchmark's resolver before it is measured).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { assertRunning, startProcess, stopProcess, type Child } from './processes.js';
import { unboundRunAsRoot } from '../../test/support/unbound-conf.js';

/** How long a resolver may take to bind its listening socket. */
const START_TIMEOUT_MS = 30_000;

export interface Trust {
  workdir: string;
  rootHints: string;
  /** A file holding the root's DS record in zone-file form. */
  rootDs: string;
}

export interface Resolver {
  name: string;
  address: string;
  port: number;
  log: string;
  child: Child;
}

export const DANEEL_BIN = process.env.BENCH_DANEEL ?? fileURLToPath(new URL('../../bin/daneel.js', import.meta.url));
/** daneel needs a newer Node.js than the harness may run on (bin/daneel.js checks). */
const DANEEL_MIN_NODE_MAJOR = 24;

let daneelNodePath: string | undefined;
/**
 * The node binary that runs daneel: BENCH_NODE, else this one when it is new enough, else the one
 * tools/node24.sh provides (as test/install-deps.sh does).
 */
export function daneelNode(): string {
  if (daneelNodePath) return daneelNodePath;
  if (process.env.BENCH_NODE) daneelNodePath = process.env.BENCH_NODE;
  else if (Number(process.versions.node.split('.')[0]) >= DANEEL_MIN_NODE_MAJOR) daneelNodePath = process.execPath;
  else {
    const script = fileURLToPath(new URL('../../tools/node24.sh', import.meta.url));
    const dir = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    daneelNodePath = join(dir, 'node');
  }
  return daneelNodePath;
}

/** True when this daneel's `serve` accepts `flag` (e.g. --keep-warm, added by a later branch). */
export function daneelHasFlag(flag: string): boolean {
  const help = execFileSync(daneelNode(), [DANEEL_BIN, 'serve', '--help'], { encoding: 'utf8' });
  return help.includes(flag);
}

async function waitListening(r: Resolver): Promise<Resolver> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    assertRunning(r.child, r.log);
    const out = execFileSync('ss', ['-Hlnu', `src ${r.address}:${r.port}`], { encoding: 'utf8' });
    if (out.trim()) return r;
    if (Date.now() > deadline) throw new Error(`${r.name} did not listen on ${r.address}:${r.port} within ${START_TIMEOUT_MS} ms; see ${r.log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function startDaneel(trust: Trust, address: string, extraArgs: string[] = []): Promise<Resolver> {
  const log = join(trust.workdir, 'daneel.log');
  const args = [DANEEL_BIN, 'serve', '--listen', `${address}:53`, '--root-hints', trust.rootHints,
    '--trust-anchor', trust.rootDs, '--do-ip6', 'no', '--log-level', 'warn', ...extraArgs];
  const child = startProcess('daneel', daneelNode(), args, log);
  return waitListening({ name: 'daneel', address, port: 53, log, child });
}

export interface UnboundOptions {
  threads: number;
  prefetch: boolean;
}

export function startUnbound(trust: Trust, address: string, opts: UnboundOptions): Promise<Resolver> {
  const dir = join(trust.workdir, 'unbound');
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'unbound.conf');
  writeFileSync(conf, `server:
  interface: ${address}
  port: 53
  # outgoing queries leave from the listening address, so the delay proxy can tell whose they are
  outgoing-interface: ${address}
  do-ip6: no
${unboundRunAsRoot(dir)}
  verbosity: 0
  num-threads: ${opts.threads}
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  root-hints: "${trust.rootHints}"
  trust-anchor-file: "${trust.rootDs}"
  module-config: "validator iterator"
  qname-minimisation: yes
  prefetch: ${opts.prefetch ? 'yes' : 'no'}
remote-control:
  control-enable: no
`);
  const log = join(dir, 'unbound.log');
  const child = startProcess('unbound', 'unbound', ['-d', '-c', conf], log);
  return waitListening({ name: 'unbound', address, port: 53, log, child });
}

export function startPdnsRecursor(trust: Trust, address: string): Promise<Resolver> {
  const dir = join(trust.workdir, 'pdns');
  mkdirSync(dir, { recursive: true });
  const ds = readFileSync(trust.rootDs, 'utf8').split('\n').find((l) => /\sDS\s/.test(l));
  if (!ds) throw new Error(`no DS record in ${trust.rootDs}`);
  const rdata = ds.trim().split(/\s+/).slice(-4).join(' ');
  writeFileSync(join(dir, 'anchors.lua'), `addTA('.', '${rdata}')\n`);
  // TESTING-NOTES: dont-query= empty (127/8 is excluded by default), security-poll-suffix= empty (no status queries)
  writeFileSync(join(dir, 'recursor.conf'), `local-address=${address}
local-port=53
query-local-address=${address}
allow-from=127.0.0.0/8
dont-query=
security-poll-suffix=
hint-file=${trust.rootHints}
lua-config-file=${join(dir, 'anchors.lua')}
dnssec=validate
qname-minimization=yes
socket-dir=${dir}
daemon=no
write-pid=no
disable-syslog=yes
loglevel=4
`);
  const log = join(dir, 'pdns.log');
  const child = startProcess('pdns-recursor', 'pdns_recursor', [`--config-dir=${dir}`], log);
  return waitListening({ name: 'pdns-recursor', address, port: 53, log, child });
}

export async function stopResolver(r: Resolver): Promise<void> {
  await stopProcess(r.child);
}
