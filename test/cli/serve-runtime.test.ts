/**
 * `daneel serve --config` as an operator runs it: a real process in a network namespace of its own, a real
 * signed root (ldns-signzone) served by NSD behind a slow proxy, and dig as the client from two addresses.
 *   - access control: a client on another address is REFUSED (EDE 18) by default, answered once allowed;
 *   - SIGHUP with a broken file: refused with a log line, the running ACL stays in force;
 *   - SIGHUP with a good file: the new ACL applies (refuse, then drop = no reply at all);
 *   - SIGTERM with a query in flight: the query is answered, then daneel exits 0.
 * Needs root (ip netns, NSD on port 53) and nsd, ldnsutils, dig (test/install-deps.sh); without them the test fails
 * saying what is missing. The namespace (runtime-acl-PID) is private: nothing here reaches the host's network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './run.js';

const NS = `runtime-acl-${process.pid}`;
/** TEST-NET-1 (RFC 5737) addresses, only on the namespace's own lo: daneel listens on one, dig asks from the other. */
const SERVER = '192.0.2.1';
const OTHER = '192.0.2.2';
const NSD_ADDRESS = '127.0.0.1';
const PROXY_ADDRESS = '127.0.0.2';
/** Nothing listens here (dead.'s name server). */
const CLOSED_ADDRESS = '127.0.0.3';
const PROXY = new URL('../support/delay-proxy.mjs', import.meta.url).pathname;
/** The proxy holds each reply this long, so a query is still in flight when SIGTERM arrives. */
const PROXY_DELAY_MS = 300;

const haveTool = (t: string): boolean => { try { execFileSync('sh', ['-c', `command -v ${t}`]); return true; } catch { return false; } };
const missing = [
  ...(process.getuid?.() === 0 ? [] : ['root']),
  ...['ip', 'nsd', 'ldns-keygen', 'ldns-signzone', 'dig'].filter((t) => !haveTool(t)),
];

const work = mkdtempSync(join(tmpdir(), 'daneel-runtime-test-'));
const children: ChildProcess[] = [];
let daneel: ChildProcess;
let daneelLog = '';
let daneelExit: Promise<number | null>;
let proxyOut = '';


function startInNs(args: string[], onOut?: (text: string) => void): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', NS, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => onOut?.(d.toString()));
  child.stderr!.on('data', (d: Buffer) => onOut?.(d.toString()));
  children.push(child);
  return child;
}

interface Dig { rcode: string; ad: boolean; ede?: number; noReply: boolean; raw: string }

/** dig in the namespace from `source`; no reply at all is `noReply`, not an error. */
function dig(source: string, name: string, type: string): Promise<Dig> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', NS, 'dig', `@${SERVER}`, '-b', source, name, type, '+dnssec', '+time=2', '+tries=1'], (err, stdout) => {
      const raw = stdout.toString();
      const rcode = /status: (\w+)/.exec(raw)?.[1] ?? '';
      const flags = /;; flags:([^;]*);/.exec(raw)?.[1] ?? '';
      const ede = /; EDE: (\d+)/.exec(raw)?.[1];
      resolve({ rcode, ad: /\bad\b/.test(flags), ...(ede ? { ede: Number(ede) } : {}), noReply: err !== null && rcode === '', raw });
    });
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, tries = 150): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen\n--- daneel log ---\n${daneelLog}`);
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

/** Writes the configuration file daneel reads; `extra` is appended YAML. */
function writeConfig(extra: string, log = 'log: { level: info }'): void {
  writeFileSync(join(work, 'daneel.yaml'), [
    `listen: [${SERVER}:53]`,
    'root-hints: root.hints', // relative: taken from the configuration file's directory
    'trust-anchors: [root.ds]',
    log,
    extra,
  ].join('\n'));
}

/** SIGHUP, then waits for the log line that says whether the file was taken. */
async function reload(): Promise<'reloaded' | 'refused'> {
  const before = { ok: count(daneelLog, 'configuration reloaded'), bad: count(daneelLog, 'configuration reload refused') };
  daneel.kill('SIGHUP');
  let outcome: 'reloaded' | 'refused' | undefined;
  await until('a reload log line', () => {
    if (count(daneelLog, 'configuration reloaded') > before.ok) outcome = 'reloaded';
    if (count(daneelLog, 'configuration reload refused') > before.bad) outcome = 'refused';
    return outcome !== undefined;
  });
  return outcome!;
}

function signRoot(): void {
  writeFileSync(join(work, 'root.zone'), [
    '. 86400 IN SOA ns.root. hostmaster.root. 1 1800 900 604800 86400',
    '. 86400 IN NS ns.root.',
    `ns.root. 86400 IN A ${PROXY_ADDRESS}`,
    'probe. 3600 IN A 192.0.2.80',
    'slow. 3600 IN A 192.0.2.81',
    'bogus. 3600 IN A 192.0.2.82', // altered after signing (below)
    // An unsigned delegation to an address where nothing listens: the kernel refuses every query at once.
    'dead. 3600 IN NS ns.dead.',
    `ns.dead. 3600 IN A ${CLOSED_ADDRESS}`,
  ].join('\n') + '\n');
  const ksk = execFileSync('ldns-keygen', ['-a', 'ECDSAP256SHA256', '-k', '.'], { cwd: work, encoding: 'utf8' }).trim();
  const zsk = execFileSync('ldns-keygen', ['-a', 'ECDSAP256SHA256', '.'], { cwd: work, encoding: 'utf8' }).trim();
  execFileSync('ldns-signzone', ['-i', '20240101000000', '-e', '20360101000000', '-o', '.', '-f', 'root.signed', 'root.zone', zsk, ksk], { cwd: work });
  // RFC 4035 §5.3: the RRSIG over bogus. A no longer verifies once its RDATA changes.
  const signedZone = readFileSync(join(work, 'root.signed'), 'utf8');
  const altered = signedZone.replace(/^(bogus\.\s+\d+\s+IN\s+A\s+)192\.0\.2\.82$/m, '$1192.0.2.83');
  expect(altered).not.toBe(signedZone);
  writeFileSync(join(work, 'root.signed'), altered);
  writeFileSync(join(work, 'root.ds'), readFileSync(join(work, `${ksk}.ds`)));
  writeFileSync(join(work, 'root.hints'), `. 3600000 IN NS ns.root.\nns.root. 3600000 IN A ${PROXY_ADDRESS}\n`);
  writeFileSync(join(work, 'nsd.conf'), `server:
  ip-address: ${NSD_ADDRESS}
  port: 53
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "${work}"
  database: ""
  zonelistfile: "${work}/zone.list"
  xfrdfile: "${work}/xfrd.state"
  xfrdir: "${work}"
  pidfile: "${work}/nsd.pid"
  server-count: 1
remote-control:
  control-enable: no
zone:
  name: "."
  zonefile: "root.signed"
`);
}

beforeAll(async () => {
  expect(missing, 'run test/install-deps.sh as root first').toEqual([]);
  execFileSync('ip', ['netns', 'add', NS]);
  execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
  for (const a of [SERVER, OTHER, PROXY_ADDRESS]) execFileSync('ip', ['-n', NS, 'addr', 'add', `${a}/32`, 'dev', 'lo']);
  signRoot();
  startInNs(['nsd', '-d', '-c', join(work, 'nsd.conf')]);
  startInNs([process.execPath, PROXY, PROXY_ADDRESS, NSD_ADDRESS, String(PROXY_DELAY_MS)], (t) => { proxyOut += t; });
  await until('the delay proxy', () => proxyOut.includes('ready'));
  writeConfig('');
  daneel = startInNs([process.execPath, BIN, 'serve', '--config', join(work, 'daneel.yaml')], (t) => { daneelLog += t; });
  daneelExit = new Promise((resolve) => daneel.once('exit', (code) => resolve(code)));
  // Loopback clients are always allowed: wait until daneel answers one.
  await until('daneel answering', async () => (await dig(NSD_ADDRESS, '.', 'SOA')).rcode === 'NOERROR');
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  try { execFileSync('ip', ['netns', 'del', NS]); } catch { /* already gone */ }
  rmSync(work, { recursive: true, force: true });
});

describe('daneel serve --config in a network namespace', () => {
  it('by default answers loopback and refuses another address with REFUSED + EDE 18', async () => {
    const local = await dig(NSD_ADDRESS, 'probe.', 'A');
    expect(local.rcode, local.raw).toBe('NOERROR');
    expect(local.ad, local.raw).toBe(true);
    const other = await dig(OTHER, 'probe.', 'A');
    expect(other.rcode, other.raw).toBe('REFUSED');
    expect(other.ede, other.raw).toBe(18);
  });

  it('SIGHUP with a file that allows the other address: it is answered, validated', async () => {
    writeConfig(`access-control:\n  - { prefix: ${OTHER}/32, action: allow }`);
    expect(await reload()).toBe('reloaded');
    const other = await dig(OTHER, 'probe.', 'A');
    expect(other.rcode, other.raw).toBe('NOERROR');
    expect(other.ad, other.raw).toBe(true);
  });

  it('SIGHUP with a broken file: refused with file:line: key, and the running ACL stays in force', async () => {
    // Were this file applied, the other address would be dropped; its cache key is wrong, so none of it is.
    writeConfig(`access-control:\n  - { prefix: ${OTHER}/32, action: drop }\ncache:\n  max-bytes: 5`);
    expect(await reload()).toBe('refused');
    expect(daneelLog).toMatch(/daneel\.yaml:8: cache\.max-bytes: must be ≥ 1 MiB/);
    const other = await dig(OTHER, 'probe.', 'A');
    expect(other.rcode, other.raw).toBe('NOERROR');
    expect(other.ad, other.raw).toBe(true);
  });

  it('SIGHUP with good files: refuse, then drop (no reply at all)', async () => {
    writeConfig(`access-control:\n  - { prefix: 192.0.2.0/24, action: allow }\n  - { prefix: ${OTHER}/32, action: refuse }`);
    expect(await reload()).toBe('reloaded');
    const refused = await dig(OTHER, 'probe.', 'A');
    expect(refused.rcode, refused.raw).toBe('REFUSED');
    writeConfig(`access-control:\n  - { prefix: ${OTHER}/32, action: drop }`);
    expect(await reload()).toBe('reloaded');
    const dropped = await dig(OTHER, 'probe.', 'A');
    expect(dropped.noReply, dropped.raw).toBe(true);
    expect((await dig(NSD_ADDRESS, 'probe.', 'A')).rcode).toBe('NOERROR');
  });

  it('logs one line per upstream failure, per validation failure (reason, EDE), and with query-log one per query', async () => {
    writeConfig(`access-control:\n  - { prefix: ${OTHER}/32, action: drop }`, 'log: { level: info, query-log: true }');
    expect(await reload()).toBe('reloaded');
    const bogus = await dig(NSD_ADDRESS, 'bogus.', 'A');
    expect(bogus.rcode, bogus.raw).toBe('SERVFAIL');
    expect(bogus.ede, bogus.raw).toBe(6);
    const dead = await dig(NSD_ADDRESS, 'www.dead.', 'A');
    expect(dead.rcode, dead.raw).toBe('SERVFAIL');
    await until('the log lines', () => /"qname":"www\.dead\."[^\n]*"msg":"query"/.test(daneelLog));
    const lines = daneelLog.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const validation = lines.filter((l) => l['msg'] === 'validation failure');
    expect(validation).toHaveLength(1);
    expect(validation[0]).toMatchObject({ client: NSD_ADDRESS, qname: 'bogus.', ede: 6 });
    expect(String(validation[0]!['reason'])).toMatch(/signature/);
    const upstream = lines.filter((l) => l['msg'] === 'upstream failure');
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.every((l) => l['address'] === CLOSED_ADDRESS && l['zone'] === 'dead.')).toBe(true);
    const queries = lines.filter((l) => l['msg'] === 'query');
    expect(queries.map((l) => l['qname'])).toEqual(['bogus.', 'www.dead.']);
    expect(queries[0]).toMatchObject({ client: NSD_ADDRESS, protocol: 'udp', qtype: 1, rcode: 2, status: 'bogus' });
  });

  it('SIGTERM with a query in flight: the query is answered, then daneel exits 0', async () => {
    // slow. is not cached yet: daneel must ask the root through the proxy, which holds the reply.
    const upstreamBefore = count(proxyOut, 'query from');
    const inFlight = dig(NSD_ADDRESS, 'slow.', 'A');
    await until('the query reaching the upstream', () => count(proxyOut, 'query from') > upstreamBefore);
    daneel.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.rcode, answer.raw).toBe('NOERROR');
    expect(answer.ad, answer.raw).toBe(true);
    expect(await daneelExit).toBe(0);
    expect(daneelLog).toContain('stopping: draining queries in flight');
  });
});
