/**
 * Vitest globalSetup for the `hierarchy` project: build and sign the private hierarchy, start NSD,
 * BIND, Knot, the silent listener and Unbound in the daneel-hier network namespace, hand the
 * addresses to the tests (`inject('hierarchy')`), and stop everything afterwards.
 * Runs once per vitest run, not per worker: the namespace name is fixed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { makeDaneMtlsFixtures } from './dane-fixtures.js';
import type { DaneMtlsFixtures } from './dane-fixtures.js';

const execFileAsync = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

export type ServerKind = 'root' | 'nsd' | 'bind' | 'knot' | 'closed' | 'silent' | 'nsd6';

export interface HierarchyZone {
  servers: ServerKind[];
  signer: 'bind' | 'ldns' | 'none';
  algorithm: string;
  denial: string;
  ds: string;
  tweak: string;
}

export interface HierarchyInfo {
  workdir: string;
  /** Network namespace every query to these addresses must run in (`ip netns exec`). */
  netns: string;
  /** named.root-style hints: a/b.root-servers.lab. and their 127.53.x addresses. */
  rootHints: string;
  /** Root DS and DNSKEY lines in zone-file format. */
  trustAnchor: string;
  /** Address of the reference resolver (Unbound 1.17), port 53. */
  unbound: string;
  /** "QNAME<TAB>QTYPE" lines, one per query the root NSD received (dnstap, dnstap-collector.mjs). */
  rootQueryLog: string;
  /** Addresses of a.root-servers.lab. and b.root-servers.lab. (one NSD instance serving only the root). */
  rootServers: string[];
  /** Address of each authoritative server kind, port 53 ('closed' and 'silent' never answer). */
  servers: Record<ServerKind, string>;
  /** Every zone of zones/manifest.tsv and how it was made. */
  zones: Record<string, HierarchyZone>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    hierarchy: HierarchyInfo;
    /** Certificates whose TLSA records the mtls zones publish (dane-fixtures.ts). */
    daneMtls: DaneMtlsFixtures;
  }
}

async function runScript(script: string, workdir: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await execFileAsync('bash', [join(here, script), workdir], { timeout: 120_000, maxBuffer: 8 * 1024 * 1024, env });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${script} ${workdir} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`, {
      cause: error,
    });
  }
}

export default async function setup({ provide }: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  const workdir = await mkdtemp(join(tmpdir(), 'daneel-hier-'));
  // The DANE tests' certificates are made first: their TLSA records are signed into the mtls zones.
  const daneMtls = makeDaneMtlsFixtures();
  await runScript('build.sh', workdir, { ...process.env, HIER_EXTRA_RECORDS: daneMtls.recordsFile });
  try {
    await runScript('start.sh', workdir);
  } catch (error) {
    await runScript('stop.sh', workdir).catch(() => undefined);
    await rm(daneMtls.dir, { recursive: true, force: true });
    throw error;
  }
  const info = JSON.parse(await readFile(join(workdir, 'info.json'), 'utf8')) as HierarchyInfo;
  provide('hierarchy', info);
  provide('daneMtls', daneMtls);
  return async () => {
    await runScript('stop.sh', workdir);
    await rm(workdir, { recursive: true, force: true });
    await rm(daneMtls.dir, { recursive: true, force: true });
  };
}
