/**
 * Running Node programs inside the hierarchy's network namespace: the vitest process itself is not in it, so
 * anything that must reach the 127.53.x servers (daneel in-process, the TLS parties of the DANE tests) runs as
 * a child through `ip netns exec`, which execs in place (the child's PID is the program's own).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node ARGS...` inside NETNS from the repository root, to completion (killed after timeoutMs). */
export function nodeInNetns(netns: string, args: readonly string[], timeoutMs = 60_000): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** JSON lines of a program's stdout (other lines are ignored). */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A long-running program in NETNS whose JSON output lines are collected as they come. */
export class NetnsProcess {
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private partial = '';

  constructor(netns: string, args: readonly string[]) {
    this.child = spawn('ip', ['netns', 'exec', netns, process.execPath, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      const parts = (this.partial + d.toString()).split('\n');
      this.partial = parts.pop() ?? '';
      for (const l of parts) if (l.startsWith('{')) this.lines.push(JSON.parse(l) as Record<string, unknown>);
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', resolve));
  }

  /** Resolves with the first line (from index `from`) matching, or rejects after timeoutMs. */
  async waitFor(match: (l: Record<string, unknown>) => boolean, timeoutMs = 30_000, from = 0): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.slice(from).find(match);
      if (hit) return hit;
      if (this.child.exitCode !== null) throw new Error(`process exited (${this.child.exitCode}) before the line came; stderr: ${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no matching line within ${timeoutMs} ms; lines: ${JSON.stringify(this.lines)}; stderr: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM to this process's own PID, SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
