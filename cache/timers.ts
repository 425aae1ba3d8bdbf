/**
 * Timers, injected like the clock (resolver/clock.ts) so keep-warm can be tested at a fixed date: the real ones
 * (unref'd: a pending refresh never keeps a process alive) and a manual set driven by a FixedClock.
 */
import type { FixedClock } from '../resolver/clock.js';

export interface Timers {
  /** Calls `fn` after `ms` milliseconds; returns a handle for clear(). */
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Timers that fire only when advance() moves the FixedClock past them, in due order. */
export class ManualTimers implements Timers {
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;

  constructor(private readonly clock: FixedClock) {}

  set(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.clock.now() + Math.max(0, ms), fn });
    return id;
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Moves the clock by `ms`, firing each due timer at its own instant and letting its promises settle. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.pending.delete(due[0]);
      this.clock.advance(Math.max(0, due[1].at - this.clock.now()));
      due[1].fn();
      await settle();
    }
    this.clock.advance(Math.max(0, end - this.clock.now()));
    await settle();
  }
}

/** Lets chained promise callbacks run (several macrotask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
