/**
 * Runs the real `daneel` CLI inside the hierarchy's network namespace: `serve` as a child process we stop by PID,
 * and `query` as a one-shot command. The vitest process itself is not in the namespace.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { HierarchyInfo } from '../hierarchy/global-setup.js';
import { digInNetns } from '../hierarchy/dig.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DANEEL_BIN = join(root, 'bin', 'daneel.js');

export interface RunningDaneel {
  address: string;
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Starts `daneel serve` in the namespace on ADDRESS:53 and waits until it answers `. SOA`. */
export function startDaneel(h: HierarchyInfo, address: string, extra: string[] = []): Promise<RunningDaneel> {
  return startDaneelWith(h, address, h.rootHints, extra);
}

/** startDaneel with another root hints file (e.g. one naming a test's own proxy). */
export async function startDaneelWith(h: HierarchyInfo, address: string, rootHints: string, extra: string[] = []): Promise<RunningDaneel> {
  const args = ['netns', 'exec', h.netns, process.execPath, DANEEL_BIN, 'serve', '--listen', `${address}:53`,
    '--root-hints', rootHints, '--trust-anchor', h.trustAnchor, ...extra];
  const child = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); if (err.length > 200_000) err = err.slice(-100_000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`daneel serve exited with ${child.exitCode}:\n${err}`);
    try {
      const r = await digInNetns(h.netns, address, '.', 'SOA', { timeoutSeconds: 2 });
      if (r.rcode === 'NOERROR') break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) { await stop(); throw new Error(`daneel serve did not answer within 30 s:\n${err}`); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { address, child, stderr: () => err, stop };
}

export interface CliRun { code: number; stdout: string; stderr: string }

/** Runs `daneel ARGS…` inside the namespace and returns its exit code and output. */
export function runDaneelInNetns(h: HierarchyInfo, args: string[], timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', h.netns, process.execPath, DANEEL_BIN, ...args], { timeout: timeoutMs, maxBuffer: 8 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
  });
}
