/** The clock, injected everywhere time matters so tests can replay scenarios at a fixed date. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real clock: the only place outside the edges that reads Date.now(). */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock fixed at (or advanced manually from) a given instant, for tests and scenarios. */
export class FixedClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
