/**
 * The benchmark's own child processes: started with their PID recorded, stopped by that PID (SIGTERM, then
 * SIGKILL after a grace period), also when the harness fails or is interrupted. Never by name.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

/** How long a child may take to exit after SIGTERM before it gets SIGKILL. */
const STOP_GRACE_MS = 5000;

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  exited: Promise<number | null>;
}

const children = new Set<Child>();

/** Starts `cmd args` with stdout and stderr appended to `logFile`; records it for stopAll(). */
export function startProcess(name: string, cmd: string, args: string[], logFile: string): Child {
  const fd = openSync(logFile, 'a');
  const proc = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return adopt(name, proc);
}

/** Records a child started elsewhere (e.g. with piped stdio) so stopAll() stops it too. */
export function adopt(name: string, proc: ChildProcess): Child {
  // a program that cannot be started (ENOENT) also emits 'error' later: the throw below already reports it
  proc.on('error', () => {});
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${proc.spawnfile})`);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = { name, pid: proc.pid, proc, exited };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Stops one child by its PID: SIGTERM, then SIGKILL if it is still there after STOP_GRACE_MS. */
export async function stopProcess(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  process.kill(child.pid, 'SIGTERM');
  const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), STOP_GRACE_MS).unref());
  if ((await Promise.race([child.exited, timer])) === 'late') {
    process.kill(child.pid, 'SIGKILL');
    await child.exited;
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopProcess(c).catch(() => undefined)));
}

/** Throws when a child has exited (e.g. a daemon refused its configuration), naming it and its log. */
export function assertRunning(child: Child, logFile: string): void {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
    throw new Error(`${child.name} exited (code ${child.proc.exitCode}, signal ${child.proc.signalCode}); see ${logFile}`);
  }
}

let hooked = false;
let stopping = false;
/**
 * On SIGINT/SIGTERM: stop every child, then exit. A second signal (Ctrl-C reaches the whole process group, and
 * the outer process forwards what it gets) does not cut the clean-up short.
 */
export function stopChildrenOnSignal(): void {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/** Fails before anything starts when a program is missing, naming the Debian package that has it. */
export function requirePrograms(programs: Record<string, string>): void {
  const missing = Object.entries(programs).filter(([cmd]) => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    throw new Error(`missing: ${missing.map(([cmd, pkg]) => `${cmd} (apt-get install ${pkg})`).join(', ')}; test/install-deps.sh installs them all`);
  }
}
