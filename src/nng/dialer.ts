// Dialer: one outgoing connection, redialed with exponential back-off when it drops (if asked).
import { NngError } from "./nng-error.ts";
import type { Pipe } from "./pipe.ts";

/** How a Dialer behaves after its connection is gone. */
export interface DialerOptions {
  /** Redial when the connection drops. Off means the dialer is done after its pipe closes. */
  reconnect: boolean;
  /** First wait before a redial; doubled after each failed attempt (eKuiper: 100 ms). */
  reconnectMinMs: number;
  /** Longest wait between attempts (eKuiper: 5 s). */
  reconnectMaxMs: number;
  /** Told about each failed redial; the dialer keeps trying. */
  onError: ((err: NngError) => void) | undefined;
}

/** Owns the pipe(s) made by one `dial()` call, one at a time. */
export class Dialer {
  #pipe: Pipe | undefined;
  #timer: Timer | undefined;
  #closed = false;
  #delay: number;
  readonly #connect: () => Promise<Pipe>;
  readonly #options: DialerOptions;

  constructor(connect: () => Promise<Pipe>, options: DialerOptions) {
    this.#connect = connect;
    this.#options = options;
    this.#delay = options.reconnectMinMs;
  }

  /** Dials once and waits for the header exchange; throws the dial's NngError. */
  async dialNow(): Promise<void> {
    this.#adopt(await this.#connect());
  }

  /** Dials in the background, retrying with back-off until connected or closed. */
  dialInBackground(): void {
    this.#schedule(0);
  }

  /**
   * The socket reports every closed pipe here; ours triggers a redial when enabled.
   * Returns true when this dialer is finished (its pipe closed and it will not redial).
   */
  pipeClosed(pipe: Pipe): boolean {
    if (pipe !== this.#pipe) return false;
    this.#pipe = undefined;
    if (!this.#options.reconnect) return true;
    this.#schedule(this.#options.reconnectMinMs);
    return false;
  }

  /** Stops redialing and closes the current pipe. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#pipe?.close(undefined);
  }

  #adopt(pipe: Pipe): void {
    if (this.#closed) {
      pipe.close(undefined);
      return;
    }
    this.#delay = this.#options.reconnectMinMs;
    this.#pipe = pipe;
    // The pipe may have died between its header exchange and this continuation.
    if (pipe.state === "closed") this.pipeClosed(pipe);
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#attempt(), delayMs);
  }

  async #attempt(): Promise<void> {
    try {
      this.#adopt(await this.#connect());
    } catch (err) {
      if (this.#closed) return;
      const error = err instanceof NngError ? err : new NngError("connrefused", String(err));
      this.#options.onError?.(error);
      this.#delay = Math.min(this.#delay * 2, this.#options.reconnectMaxMs);
      this.#schedule(this.#delay);
    }
  }
}
