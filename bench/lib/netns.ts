/**
 * Runs a benchmark inside a network namespace it owns. The harness re-executes itself inside the namespace
 * (`ip netns exec NS node … same script`), so its DNS client, the delay proxy and every server share the
 * namespace's loopback; the outer process only sets up, waits, and tears down — also when the inner run
 * fails or is interrupted — so no process or namespace outlives the run.
 */
import { execFileSync, spawn } from 'node:child_process';
import { stopAll, stopChildrenOnSignal } from './processes.js';

const INNER_ENV = 'BENCH_INNER_NETNS';

export interface NetnsHooks {
  /** Creates the namespace and whatever runs outside the inner harness (called in the outer process). */
  setup: () => void;
  /** Undoes setup; must be safe to call when setup failed half-way. */
  teardown: () => void;
}

/** True in the re-executed process running inside namespace `ns`. */
export function isInner(ns: string): boolean {
  return process.env[INNER_ENV] === ns;
}

/**
 * Outer process: setup, run this same script inside `ns`, teardown. Inner process: run `body`, stopping
 * every child it started (by PID) whatever happens. Sets process.exitCode.
 */
export async function runInNetns(ns: string, hooks: NetnsHooks, body: () => Promise<void>): Promise<void> {
  if (isInner(ns)) {
    stopChildrenOnSignal();
    try {
      await body();
    } catch (err) {
      console.error(err instanceof Error ? err.stack ?? err.message : err);
      process.exitCode = 1;
    } finally {
      await stopAll();
    }
    return;
  }
  if (process.getuid?.() !== 0) throw new Error('this benchmark needs root (network namespaces, port 53)');
  let interrupted = false;
  try {
    hooks.setup();
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, [INNER_ENV]: ns },
    });
    const forward = (sig: NodeJS.Signals) => {
      interrupted = true;
      if (child.pid !== undefined) child.kill(sig);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    process.exitCode = interrupted ? 130 : code;
  } finally {
    hooks.teardown();
  }
}

/** Setup/teardown for a namespace the benchmark creates itself (a stale one of the same name is removed first). */
export function ownNamespace(ns: string, beforeStart: () => void = () => {}): NetnsHooks {
  return {
    setup: () => {
      deleteNamespace(ns);
      execFileSync('ip', ['netns', 'add', ns]);
      execFileSync('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
      beforeStart();
    },
    teardown: () => deleteNamespace(ns),
  };
}

/**
 * Stops what still runs in `ns` (only processes started inside this benchmark's own namespace, by PID), then
 * deletes it. A no-op when it does not exist.
 */
export function deleteNamespace(ns: string): void {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (!list.split('\n').some((line) => line.split(' ')[0] === ns)) return;
  const pids = () =>
    execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  for (const pid of pids()) {
    console.error(`stopping leftover process ${pid} in ${ns}`);
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  const deadline = Date.now() + 5000;
  while (pids().length > 0 && Date.now() < deadline) execFileSync('sleep', ['0.1']);
  for (const pid of pids()) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  execFileSync('ip', ['netns', 'del', ns]);
}
