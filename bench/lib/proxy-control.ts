/** Starts the delay proxy (delay-proxy.ts) as a child process and reads its query counts. */
import { spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { adopt, stopProcess, type Child } from './processes.js';

export interface ProxyCounts {
  queries: number;
  udp: number;
  tcp: number;
  byType: Record<string, number>;
  bySource: Record<string, number>;
  byServer: Record<string, number>;
}

/** How long the proxy may take to bind all its sockets. */
const PROXY_START_TIMEOUT_MS = 15_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class DelayProxy {
  private constructor(private readonly child: Child, private readonly lines: Interface, private readonly queue: string[],
    private readonly waiters: Array<(line: string) => void>) {}

  /** Starts the proxy for the pairs in `proxyJson` with a round-trip time of `rttMs` (half each way). */
  static async start(proxyJson: string, rttMs: number): Promise<DelayProxy> {
    const script = fileURLToPath(new URL('./delay-proxy.ts', import.meta.url));
    // tsx as the loader (resolved from the repository root), whoever runs us: the harness or a test worker
    const proc = spawn(process.execPath, ['--import', 'tsx', script, proxyJson, String(rttMs / 2)], {
      stdio: ['pipe', 'pipe', 'inherit'], cwd: REPO_ROOT,
    });
    const child = adopt('delay-proxy', proc);
    const lines = createInterface({ input: proc.stdout! });
    const queue: string[] = [];
    const waiters: Array<(line: string) => void> = [];
    lines.on('line', (line) => { const w = waiters.shift(); if (w) w(line); else queue.push(line); });
    const proxy = new DelayProxy(child, lines, queue, waiters);
    const first = await Promise.race([
      proxy.nextLine(),
      child.exited.then((code) => `exited with code ${code}`),
      new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), PROXY_START_TIMEOUT_MS).unref()),
    ]);
    if (first !== 'ready') throw new Error(`delay proxy did not start: ${first}`);
    return proxy;
  }

  private nextLine(): Promise<string> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The queries that crossed the proxy since the previous call (or start); resets the counts. */
  async takeCounts(): Promise<ProxyCounts> {
    this.child.proc.stdin!.write('counts\n');
    return JSON.parse(await this.nextLine()) as ProxyCounts;
  }

  async stop(): Promise<void> {
    this.lines.close();
    await stopProcess(this.child);
  }
}
