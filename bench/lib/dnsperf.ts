/**
 * Runs dnsperf 2.10 and reads its output. dnsperf 2.10 has no latency histogram, so `-v` is used: it prints one
 * line per query ("> NOERROR NAME TYPE SECONDS"; a lost query: "> T NAME TYPE"), and the percentiles are
 * computed here from those lines.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { adopt, stopProcess } from './processes.js';
import { percentile } from './report.js';

export interface PerfRun {
  qps: number;
  sent: number;
  completed: number;
  lost: number;
  /** Per-query outcome counts by rcode name, and 'T' for timed out. */
  rcodes: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

/** Accumulates dnsperf -v output line by line. */
export class DnsperfOutput {
  private readonly latencies: number[] = [];
  private readonly rcodes: Record<string, number> = {};
  private readonly summary: Record<string, string> = {};

  add(line: string): void {
    if (line.startsWith('> ')) {
      const parts = line.trim().split(/\s+/);
      const outcome = parts[1] ?? '?';
      this.rcodes[outcome] = (this.rcodes[outcome] ?? 0) + 1;
      const secs = Number(parts[parts.length - 1]);
      if (outcome !== 'T' && parts.length >= 5 && Number.isFinite(secs)) this.latencies.push(secs * 1000);
      return;
    }
    // summary lines: "  Queries per second:   39094.123", "  Queries lost:         0 (0.00%)"
    const m = /^\s+([A-Za-z ]+):\s+([\d.]+)/.exec(line);
    if (m) this.summary[m[1]!.trim()] = m[2]!;
  }

  result(): PerfRun {
    const num = (key: string) => {
      const v = this.summary[key];
      if (v === undefined) throw new Error(`dnsperf printed no "${key}" line`);
      return Number(v);
    };
    return {
      qps: num('Queries per second'),
      sent: num('Queries sent'),
      completed: num('Queries completed'),
      lost: num('Queries lost'),
      rcodes: { ...this.rcodes },
      p50Ms: percentile(this.latencies, 50),
      p99Ms: percentile(this.latencies, 99),
    };
  }
}

/** dnsperf -v ARGS (in the current network namespace); its PID is stopped with the benchmark's children. */
export async function runDnsperf(args: string[]): Promise<PerfRun> {
  const proc = spawn('dnsperf', ['-v', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const child = adopt('dnsperf', proc);
  const out = new DnsperfOutput();
  for await (const line of createInterface({ input: proc.stdout! })) out.add(line);
  const code = await child.exited;
  await stopProcess(child);
  if (code !== 0) throw new Error(`dnsperf ${args.join(' ')} exited with ${code}`);
  return out.result();
}
