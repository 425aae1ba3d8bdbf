/**
 * Unbound instances in the hierarchy's namespace serving as forwarding upstreams: each recurses over the signed
 * hierarchy (root hints, validator on) and answers on port 53 (UDP/TCP), 853 (DNS over TLS, `tls-port`) and
 * 443 (DNS over HTTPS, `https-port`, HTTP/2 via nghttp2) with a certificate made by the test's openssl CA.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HierarchyInfo } from '../../hierarchy/global-setup.js';
import { digInNetns } from '../../hierarchy/dig.js';
import { unboundRunAsRoot } from '../../support/unbound-conf.js';
import type { TestPki } from '../../support/tls-certs.js';

export const DOH_PATH = '/dns-query';

export interface UnboundUpstream {
  address: string;
  child: ChildProcess;
  /** The unbound PID (ip netns exec execs in place). */
  pid: number;
  stop(): Promise<void>;
}

function config(h: HierarchyInfo, address: string, pki: TestPki, dir: string): string {
  return `server:
  interface: ${address}@53
  interface: ${address}@853
  interface: ${address}@443
  tls-port: 853
  https-port: 443
  http-endpoint: "${DOH_PATH}"
  tls-service-key: "${pki.keyFile}"
  tls-service-pem: "${pki.certFile}"
  do-ip6: yes
${unboundRunAsRoot(dir)}
  verbosity: 1
  num-threads: 1
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  root-hints: "${h.rootHints}"
  trust-anchor-file: "${h.trustAnchor}"
  module-config: "validator iterator"
  qname-minimisation: yes
  discard-timeout: 0
  incoming-num-tcp: 100
`;
}

/** Starts Unbound on `address` and waits until it answers `. SOA` over UDP. */
export async function startUpstream(h: HierarchyInfo, address: string, pki: TestPki, dir: string): Promise<UnboundUpstream> {
  const file = join(dir, `unbound-${address}.conf`);
  writeFileSync(file, config(h, address, pki, dir));
  const child = spawn('ip', ['netns', 'exec', h.netns, 'unbound', '-d', '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`unbound on ${address} exited with ${child.exitCode}: ${err}`);
    const r = await digInNetns(h.netns, address, '.', 'SOA', { timeoutSeconds: 1 }).catch(() => undefined);
    if (r?.rcode === 'NOERROR') break;
    if (Date.now() > deadline) { await stop(); throw new Error(`unbound on ${address} did not answer: ${err}`); }
    await new Promise((res) => setTimeout(res, 200));
  }
  return { address, child, pid: child.pid!, stop };
}
