// VirtualClock: a test clock whose time moves only when a test calls advance().

import type { Clock, TimerHandle } from "../../src/supervisor/clock.ts";

interface VirtualTimer {
  readonly id: TimerHandle;
  readonly due: number;
  readonly fn: () => void;
}

/** A Clock for tests: timers run, in due order, only inside `advance`. */
export class VirtualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<TimerHandle, VirtualTimer>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle);
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the way in due order
   * (ties in the order they were set), with `now()` equal to each timer's due time while it
   * runs. Timers set by those callbacks run too if they fall due within the same advance.
   */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const next = this.#soonest();
      if (next === undefined || next.due > target) break;
      this.#timers.delete(next.id);
      this.#now = next.due;
      next.fn();
    }
    this.#now = target;
  }

  /** How far in the future each pending timer is due, soonest first. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.due - this.#now).sort((a, b) => a - b);
  }

  #soonest(): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (best === undefined || timer.due < best.due) best = timer;
    }
    return best;
  }
}
