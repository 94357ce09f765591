// RestartBackoff: when to restart a crashed child, and when to stop trying (pure, no clock).

import { ConfigError } from "../config/load.ts";

/** Restart policy settings; every duration is in milliseconds. */
export interface BackoffOptions {
  /** Delay before the first restart; a crashed plugin should be back within a second. */
  initialDelayMs: number;
  /** Each further consecutive crash doubles the delay, up to this cap. */
  maxDelayMs: number;
  /** A child that was ready this long proved healthy: its next crash starts the count over. */
  resetAfterMs: number;
  /** This many crashes within `crashWindowMs` means a crash loop: the child is given up. */
  maxCrashes: number;
  /** The sliding window that `maxCrashes` is counted in. */
  crashWindowMs: number;
}

export const defaultBackoff: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
  maxCrashes: 5,
  crashWindowMs: 120_000,
});

/** What to do after a crash: restart after a delay, or give up with a message for the user. */
export type CrashDecision =
  | { readonly restart: true; readonly delayMs: number }
  | { readonly restart: false; readonly message: string };

/** Tracks the crashes of one supervised child and decides each restart. */
export class RestartBackoff {
  readonly options: Readonly<BackoffOptions>;
  #consecutive = 0;
  #crashTimes: number[] = [];

  /** Throws ConfigError if a setting is not a positive number (a zero window would never give up). */
  constructor(options: Partial<BackoffOptions> = {}) {
    this.options = Object.freeze({ ...defaultBackoff, ...options });
    for (const [key, value] of Object.entries(this.options)) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new ConfigError(`backoff.${key} must be a positive number, got ${value}`);
      }
    }
  }

  /**
   * Records a crash at time `now` of a child that had been ready (healthy) for `healthyForMs`
   * (0 if it never got ready) and says what to do next.
   */
  onCrash(now: number, healthyForMs: number): CrashDecision {
    const { initialDelayMs, maxDelayMs, resetAfterMs, maxCrashes, crashWindowMs } = this.options;
    if (healthyForMs >= resetAfterMs) this.reset();
    this.#crashTimes = this.#crashTimes.filter((t) => now - t < crashWindowMs);
    this.#crashTimes.push(now);
    if (this.#crashTimes.length >= maxCrashes) {
      return {
        restart: false,
        message: `gave up after ${maxCrashes} ${maxCrashes === 1 ? "crash" : "crashes"} in ${formatSpan(crashWindowMs)}; update the plugin or restart plugd`,
      };
    }
    const delayMs = Math.min(initialDelayMs * 2 ** this.#consecutive, maxDelayMs);
    this.#consecutive++;
    return { restart: true, delayMs };
  }

  /** Forgets past crashes, as after a healthy run or a restart the user asked for. */
  reset(): void {
    this.#consecutive = 0;
    this.#crashTimes = [];
  }
}

/** "2 minutes", "90 seconds", "1500 ms": the largest unit that states the span exactly. */
export function formatSpan(ms: number): string {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (ms % 60_000 === 0) return plural(ms / 60_000, "minute");
  if (ms % 1000 === 0) return plural(ms / 1000, "second");
  return `${ms} ms`;
}
