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

import { TransportError } from './transport.js';

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

  /**
   * Throws at once (NETWORK) when a new connection is needed but the backoff forbids one, so the caller's
   * failover moves on instead of waiting; an open connection is used whatever the backoff says.
   */
  refuseWhileDown(nowMs: number, connected: boolean, label: string): void {
    const wait = this.remainingMs(nowMs);
    if (wait > 0 && !connected) throw new TransportError('NETWORK', `${label} is down (${this.lastError}); next connection attempt in ${wait} ms`);
  }

  /** Milliseconds left before the next attempt is allowed (0: go ahead). */
  remainingMs(nowMs: number): number {
    return Math.max(0, this.untilMs - nowMs);
  }
}
