// LineLimiter: a token bucket between a child's output lines and plugd's log, counting drops.

import type { LogFields, Logger } from "./logger.ts";

/** Lines per second a plugin or script may write to plugd's log, on average. */
export const outputLinesPerSecond = 100;
/** Lines it may write at once after a quiet spell. */
export const outputLineBurst = 200;

/** The time and timers the limiter needs; the supervisor's Clock has this shape. */
export interface LimiterClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): number;
  clearTimeout(handle: number): void;
}

export interface LineLimiterOptions {
  /** Where the lines that pass, and the drop reports, go. */
  readonly logger: Logger;
  readonly clock: LimiterClock;
  /** Who printed the lines, for the drop report: "plugin X", "install.sh of sinks/Y". */
  readonly source: string;
  readonly perSecond?: number;
  readonly burst?: number;
}

/**
 * Logs a child's output lines at most `perSecond` on average (bursts of `burst`) and drops the
 * rest, so a flood costs plugd's log a bounded number of bytes per second. Dropped lines are
 * counted and reported ("dropped N lines of output from X") at most once a second while
 * dropping, and within a second after the last drop; `close()` reports what is left at once.
 */
export class LineLimiter {
  readonly #logger: Logger;
  readonly #clock: LimiterClock;
  readonly #source: string;
  readonly #perMs: number;
  readonly #burst: number;
  #tokens: number;
  #filledAt: number;
  #dropped = 0;
  #reportTimer: number | null = null;

  constructor(options: LineLimiterOptions) {
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#source = options.source;
    this.#perMs = (options.perSecond ?? outputLinesPerSecond) / 1000;
    this.#burst = options.burst ?? outputLineBurst;
    this.#tokens = this.#burst;
    this.#filledAt = this.#clock.now();
  }

  /** Logs `line` at info level if the bucket has a token; otherwise counts it as dropped. */
  info(line: string, fields: LogFields): void {
    if (this.#take()) {
      this.#logger.info(line, fields);
      return;
    }
    this.#dropped++;
    this.#reportTimer ??= this.#clock.setTimeout(() => {
      this.#reportTimer = null;
      this.#report();
    }, 1000);
  }

  /** Reports the lines dropped and not yet reported; the limiter may still be used after. */
  close(): void {
    if (this.#reportTimer !== null) this.#clock.clearTimeout(this.#reportTimer);
    this.#reportTimer = null;
    this.#report();
  }

  #take(): boolean {
    if (this.#tokens < 1) {
      const now = this.#clock.now();
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#filledAt) * this.#perMs);
      this.#filledAt = now;
      if (this.#tokens < 1) return false;
    }
    this.#tokens--;
    return true;
  }

  #report(): void {
    if (this.#dropped === 0) return;
    const dropped = this.#dropped;
    this.#dropped = 0;
    this.#logger.warn(`dropped ${dropped} lines of output from ${this.#source}`, { dropped });
  }
}

/** The rate limit between plugin `name`'s output and plugd's log. */
export function outputLimiter(name: string, logger: Logger, clock: LimiterClock): LineLimiter {
  return new LineLimiter({ logger, clock, source: `plugin ${name}` });
}
