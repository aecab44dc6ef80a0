/** Injected time source so tests can move time without sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Seconds since the epoch, as JWT claims use. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

/** A clock tests can set and advance. */
export class ManualClock implements Clock {
  #t: number;
  constructor(start = Date.now()) { this.#t = start; }
  now(): number { return this.#t; }
  advance(ms: number): void { this.#t += ms; }
  set(ms: number): void { this.#t = ms; }
}
