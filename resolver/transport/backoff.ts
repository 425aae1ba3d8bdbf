/**
 * Reconnect backoff for persistent upstream connections (DoT, DoH): after a failed connect or handshake, no new
 * attempt before a delay that doubles on each consecutive failure, up to a cap; a success resets it.
 * Pure bookkeeping: the caller passes the time.
 */
export const BACKOFF_LIMITS = {
  /** First wait after a failed connection. */
  initialMs: 250,
  /** The wait never exceeds this (a recovered upstream is used again within this long). */
  maxMs: 8_000,
};

export class ConnectBackoff {
  private failures = 0;
  private untilMs = 0;
  lastError = '';

  failed(nowMs: number, error: string): void {
    this.failures++;
    this.lastError = error;
    this.untilMs = nowMs + Math.min(BACKOFF_LIMITS.maxMs, BACKOFF_LIMITS.initialMs * 2 ** (this.failures - 1));
  }

  succeeded(): void {
    this.failures = 0;
    this.untilMs = 0;
    this.lastError = '';
  }

  /** Milliseconds left before the next attempt is allowed (0: go ahead). */
  remainingMs(nowMs: number): number {
    return Math.max(0, this.untilMs - nowMs);
  }
}
