/**
 * The independent oracles: OpenSSL's DANE code (s_client against an s_server on 127.0.0.1) and ldns-dane
 * offline (`-c CHAIN -t TLSAFILE`). Each answers with one of three classes, which daneel's verdict maps onto.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import type { ChainCase } from './corpus.js';

export type OracleClass = 'valid' | 'fail' | 'no-usable';

/** daneel's verdict in the oracles' three classes. */
export function classOf(verdict: string): OracleClass {
  if (verdict === 'dane-valid') return 'valid';
  if (verdict === 'no-usable-tlsa') return 'no-usable';
  return 'fail';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port }, () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export interface SServer {
  readonly port: number;
  readonly proc: ChildProcess;
  stop(): void;
}

/** `openssl s_server` presenting the case's chain; nothing from any system store is added to it. */
export async function startSServer(c: ChainCase, extraChainFile: string | null): Promise<SServer> {
  const port = await freePort();
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', c.leafFile, '-key', c.keyFile, '-no-CAfile', '-no-CApath', '-no-CAstore', '-quiet'];
  if (extraChainFile) args.push('-cert_chain', extraChainFile);
  const proc = spawn('openssl', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 100 && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 30));
  return { port, proc, stop: () => proc.pid !== undefined && process.kill(proc.pid, 'SIGTERM') };
}

export interface OracleInput {
  readonly host: string;
  readonly records: readonly string[];
  readonly trustStoreFile: string;
}

/** OpenSSL s_client with DANE; `-dane_ee_no_namechecks` because RFC 7671 §5.1 says DANE-EE ignores names. */
export function opensslOracle(port: number, input: OracleInput): { cls: OracleClass; detail: string } {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-brief', '-CAfile', input.trustStoreFile, '-no-CApath', '-no-CAstore',
    '-dane_tlsa_domain', input.host, '-dane_ee_no_namechecks'];
  for (const r of input.records) args.push('-dane_tlsa_rrdata', r);
  const res = spawnSync('openssl', args, { input: '', encoding: 'utf8', timeout: 10000 });
  const out = `${res.stdout}\n${res.stderr}`;
  if (/Failed to import any TLSA records/.test(out)) return { cls: 'no-usable', detail: out };
  if (/^Verification: OK/m.test(out)) return { cls: 'valid', detail: out };
  return { cls: 'fail', detail: out };
}

/**
 * ldns-dane offline. It checks names for every usage unless `-n`, so `-n` is given exactly when the RRset holds
 * only DANE-EE(3) records (RFC 7671 §5.1), the same policy as OpenSSL's `-dane_ee_no_namechecks`.
 */
export function ldnsOracle(dir: string, chainFile: string, input: OracleInput, tag: string): { cls: OracleClass; detail: string } {
  const owner = `_443._tcp.${input.host}.`;
  const file = join(dir, `tlsa-${tag}.txt`);
  writeFileSync(file, input.records.map((r) => `${owner} 3600 IN TLSA ${r}\n`).join(''));
  const onlyEe = input.records.every((r) => r.startsWith('3 '));
  const args = ['-d', ...(onlyEe ? ['-n'] : []), '-c', chainFile, '-f', input.trustStoreFile, '-t', file, 'verify', input.host, '443'];
  const res = spawnSync('ldns-dane', args, { encoding: 'utf8', timeout: 10000 });
  const out = `${res.stdout}\n${res.stderr}`;
  if (/No usable TLSA records were found/.test(out)) return { cls: 'no-usable', detail: out };
  if (res.status === 0 && /dane-validated successfully/.test(out)) return { cls: 'valid', detail: out };
  return { cls: 'fail', detail: out };
}
