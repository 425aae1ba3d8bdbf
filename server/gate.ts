/**
 * Counts requests in flight across all listeners, in total and per client (server/client-key.ts); refuses new
 * ones beyond either limit and lets close() wait for the ones running. A TCP connection refused a slot waits for
 * one (waitForSlot) instead of dropping the query: TCP clients do not retry a query the server swallowed.
 */
export type EnterResult = 'ok' | 'full' | 'client-full' | 'closing';

export class RequestGate {
  private active = 0;
  private waiters: Array<() => void> = [];
  /** In-flight count per client key; an entry is removed at zero, so the map never outgrows `max`. */
  private readonly perClient = new Map<string, number>();
  /** Callbacks waiting for a slot to free: per client key, and any slot ('*'). */
  private readonly slotWaiters = new Map<string, Set<() => void>>();
  dropped = 0;
  /** Refusals because one client had its whole share (maxRequestsPerClient) in flight. */
  droppedForClient = 0;
  /** Set by the server's close(): no new requests are taken. */
  closing = false;

  constructor(readonly max: number, readonly maxPerClient: number = max) {}

  get inFlight(): number {
    return this.active;
  }

  /** In-flight requests of one client key. */
  inFlightFor(client: string): number {
    return this.perClient.get(client) ?? 0;
  }

  /** Takes a slot for `client`: 'ok', or why not (counted as dropped; the caller decides whether to wait). */
  enter(client: string): EnterResult {
    if (this.closing) return 'closing';
    if (this.active >= this.max) { this.dropped++; return 'full'; }
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.maxPerClient) { this.droppedForClient++; return 'client-full'; }
    this.active++;
    this.perClient.set(client, mine + 1);
    return 'ok';
  }

  /** Takes a slot not tied to one client (true when granted). */
  tryEnter(client = '*'): boolean {
    return this.enter(client) === 'ok';
  }

  leave(client = '*'): void {
    this.active--;
    const mine = (this.perClient.get(client) ?? 1) - 1;
    if (mine <= 0) this.perClient.delete(client); else this.perClient.set(client, mine);
    this.wake(client);
    this.wake('*');
    if (this.active === 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Calls `cb` once, the next time a slot of `client` (or, for a full server, any slot) is released. */
  waitForSlot(client: string, cb: () => void): void {
    const set = this.slotWaiters.get(client) ?? new Set<() => void>();
    set.add(cb);
    this.slotWaiters.set(client, set);
  }

  /** Forgets a waiting callback (its connection closed). */
  cancelWait(client: string, cb: () => void): void {
    const set = this.slotWaiters.get(client);
    if (!set) return;
    set.delete(cb);
    if (set.size === 0) this.slotWaiters.delete(client);
  }

  private wake(key: string): void {
    const set = this.slotWaiters.get(key);
    if (!set) return;
    this.slotWaiters.delete(key);
    for (const cb of set) cb();
  }

  /** Resolves when nothing is in flight, or after `ms`. */
  idle(ms: number): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }
}
