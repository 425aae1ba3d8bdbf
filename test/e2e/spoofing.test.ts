/**
 * Spoofed replies against real queries (RFC 5452): an attacker process in the hierarchy's namespace stands
 * between daneel and the root (test/e2e/spoof-attacker.mjs) and races forged replies against every real one.
 *   1. near misses (wrong ID, wrong destination port, wrong source port, wrong question): all ignored, so every
 *      answer is the real, secure one;
 *   2. exact forgeries an on-path attacker can make (right ID, port and question, 0x20 case echoed) carrying a
 *      forged referral or out-of-bailiwick records: never used as data: answers are the real ones or SERVFAIL;
 *   3. afterwards, with the attacker silent: the real secure answers, so nothing forged was kept.
 * The forged data (127.66.6.6, TLSA DEDEDE…) must never appear in any answer.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HierarchyInfo } from '../hierarchy/global-setup.js';
import { digInNetns, type DigResult } from '../hierarchy/dig.js';
import { startDaneelWith, type RunningDaneel } from './daneel-process.js';

const hierarchy = inject('hierarchy') as HierarchyInfo;
/** Free 127.53.0.x addresses of the namespace: daneel, the attacker's proxy (daneel's "root"), its fake server. */
const DANEEL = '127.53.0.80';
const PROXY = '127.53.0.81';
const FAKE = '127.53.0.82';
const ATTACKER = join(dirname(fileURLToPath(import.meta.url)), 'spoof-attacker.mjs');
const dir = mkdtempSync(join(tmpdir(), 'daneel-spoof-'));

const QUERIES: Array<[string, string]> = [
  ['_443._tcp.www.iot.example.', 'TLSA'], ['www.iot.example.', 'A'], ['www.iot.example.', 'AAAA'], ['iot.example.', 'SOA'],
];

/** The root servers' real addresses, from the hierarchy's hints. */
function realRoots(): string[] {
  return readFileSync(hierarchy.rootHints, 'utf8').split('\n').map((l) => /\sA\s+(\S+)\s*$/.exec(l)?.[1]).filter((a): a is string => a !== undefined);
}

/** Hints naming both root servers at the attacker's proxy. */
function proxyHints(): string {
  const text = readFileSync(hierarchy.rootHints, 'utf8');
  const rewritten = text.split('\n').map((l) => l.replace(/(\sA\s+)\S+\s*$/, `$1${PROXY}`)).join('\n');
  const file = join(dir, 'proxy.hints');
  writeFileSync(file, rewritten);
  return file;
}

interface Attacker { child: ChildProcess; stop: () => Promise<Record<string, unknown>> }

async function startAttacker(mode: 'near-miss' | 'exact' | 'pass'): Promise<Attacker> {
  const child = spawn('ip', ['netns', 'exec', hierarchy.netns, process.execPath, ATTACKER, PROXY, FAKE, realRoots().join(','), mode],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const deadline = Date.now() + 10_000;
  while (!out.includes('"ready"')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`attacker did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async (): Promise<Record<string, unknown>> => {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    const last = out.trim().split('\n').pop() ?? '{}';
    return JSON.parse(last) as Record<string, unknown>;
  };
  return { child, stop };
}

const FORGED = /127\.66\.6\.6|0606:0606|606:606|DEDEDEDE|attacker/i;

async function askAll(): Promise<DigResult[]> {
  const out: DigResult[] = [];
  for (const [name, type] of QUERIES) out.push(await digInNetns(hierarchy.netns, DANEEL, name, type, { timeoutSeconds: 15 }));
  return out;
}

function expectNothingForged(results: DigResult[]): void {
  for (const r of results) {
    expect([...r.answer, ...r.authority].join('\n'), r.raw).not.toMatch(FORGED);
  }
}

describe('spoofed replies raced against real queries (RFC 5452)', () => {
  let daneel: RunningDaneel;
  let attacker: Attacker | undefined;

  beforeAll(async () => {
    // daneel's readiness check (`. SOA`) and priming go through the attacker relaying honestly.
    attacker = await startAttacker('pass');
    daneel = await startDaneelWith(hierarchy, DANEEL, proxyHints(), ['--log-level', 'warn']);
    await attacker.stop();
    attacker = undefined;
  }, 90_000);

  afterAll(async () => {
    await attacker?.stop();
    await daneel?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('near misses (wrong ID, port, source, question) are all ignored: every answer is the real, secure one', async () => {
    attacker = await startAttacker('near-miss');
    const results = await askAll();
    const counts = await attacker.stop();
    attacker = undefined;
    console.log(`near-miss: ${JSON.stringify(counts)}`);
    expect((counts.forged as Record<string, number>).wrongId).toBeGreaterThan(0);
    for (const r of results) expect([r.rcode, r.ad], r.raw).toEqual(['NOERROR', true]);
    expectNothingForged(results);
  }, 120_000);

  it('exact forgeries (forged referral, out-of-bailiwick data) never become answers', async () => {
    // A fresh daneel: the phase before left its zone-cut and key caches warm (resolver/state/), so the lookups
    // would never ask the root, where the attacker sits, again.
    await daneel.stop();
    attacker = await startAttacker('pass');
    daneel = await startDaneelWith(hierarchy, DANEEL, proxyHints(), ['--log-level', 'warn']);
    await attacker.stop();
    attacker = await startAttacker('exact');
    const results = await askAll();
    const counts = await attacker.stop();
    attacker = undefined;
    console.log(`exact: ${JSON.stringify(counts)} rcodes ${results.map((r) => `${r.rcode}${r.ad ? '+AD' : ''}`).join(' ')}`);
    expect(Object.keys(counts.forged as object).length).toBeGreaterThan(0);
    expectNothingForged(results);
    for (const r of results) expect(['NOERROR', 'SERVFAIL']).toContain(r.rcode);
    // Whatever came back as NOERROR is the real data, validated.
    for (const r of results.filter((x) => x.rcode === 'NOERROR')) expect(r.ad, r.raw).toBe(true);
  }, 180_000);

  it('afterwards, with the attacker only relaying: the real secure answers (nothing forged was kept)', async () => {
    attacker = await startAttacker('pass');
    const results = await askAll();
    await attacker.stop();
    attacker = undefined;
    for (const r of results) expect([r.rcode, r.ad], r.raw).toEqual(['NOERROR', true]);
    expectNothingForged(results);
    expect(daneel.child.exitCode, daneel.stderr()).toBeNull();
  }, 120_000);
});
