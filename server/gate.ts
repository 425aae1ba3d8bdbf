/**
 * Counts requests in flight across all listeners; refuses new ones beyond the limit and lets close() wait
 * for the ones running.
 */
export class RequestGate {
  private active = 0;
  private waiters: Array<() => void> = [];
  dropped = 0;
  /** Set by the server's close(): no new requests are taken. */
  closing = false;

  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.active;
  }

  /** Takes a slot; false (and counted as dropped) when the limit is reached. */
  tryEnter(): boolean {
    if (this.closing) return false;
    if (this.active >= this.max) { this.dropped++; return false; }
    this.active++;
    return true;
  }

  leave(): void {
    this.active--;
    if (this.active === 0) for (const w of this.waiters.splice(0)) w();
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
