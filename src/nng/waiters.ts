// Waiters: callers parked until a value arrives, each with its own deadline.
import { NngError } from "./nng-error.ts";

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
  timer: Timer | undefined;
}

/** A FIFO of pending promises; the oldest waiter gets the next value. */
export class Waiters<T> {
  readonly #queue: Waiter<T>[] = [];

  /** Number of callers waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /**
   * Waits for a value. With `timeoutMs` (0 allowed) it rejects with NngError `timeout` and
   * `timeoutMessage` when no value came in time; without it, it waits until rejected. An
   * aborted `signal` rejects it with the signal's reason.
   */
  wait(timeoutMs: number | undefined, timeoutMessage: string, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, timer: undefined };
      if (signal) {
        const onAbort = () => {
          this.#remove(waiter);
          clearTimeout(waiter.timer);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        const done = () => signal.removeEventListener("abort", onAbort);
        waiter.resolve = (value) => {
          done();
          resolve(value);
        };
        waiter.reject = (err) => {
          done();
          reject(err);
        };
      }
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(
          () => {
            this.#remove(waiter);
            waiter.reject(new NngError("timeout", timeoutMessage));
          },
          Math.max(0, timeoutMs),
        );
      }
      this.#queue.push(waiter);
    });
  }

  /** Hands `value` to the oldest waiter; false when nobody waits. */
  resolveNext(value: T): boolean {
    const waiter = this.#queue.shift();
    if (!waiter) return false;
    clearTimeout(waiter.timer);
    waiter.resolve(value);
    return true;
  }

  /** Wakes every waiter with `value`. */
  resolveAll(value: T): void {
    while (this.resolveNext(value)) {}
  }

  /** Fails every waiter with `err`. */
  rejectAll(err: unknown): void {
    for (const waiter of this.#queue.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(err);
    }
  }

  #remove(waiter: Waiter<T>): void {
    const index = this.#queue.indexOf(waiter);
    if (index >= 0) this.#queue.splice(index, 1);
  }
}
