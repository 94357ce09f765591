// The cap on uploads received at once (plugin.maxConcurrentUploads): one more is refused at once.
import { tooManyRequests } from "../errors.ts";

/** Counts the uploads in progress against a limit. */
export class UploadSlots {
  readonly #limit: number;
  #inUse = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Uploads in progress now. */
  get inUse(): number {
    return this.#inUse;
  }

  /**
   * Takes a slot, given back when the result is disposed (`using slot = slots.enter()`).
   * Refusing rather than queueing keeps a waiting client from holding its connection and
   * its unread body open: it is told at once, and retries.
   * @throws AppError 429 when every slot is taken.
   */
  enter(): Disposable {
    if (this.#inUse >= this.#limit) {
      throw tooManyRequests(
        `too many uploads in progress (limit ${this.#limit}); try again when one has finished`,
      );
    }
    this.#inUse += 1;
    let released = false;
    return {
      [Symbol.dispose]: () => {
        if (released) return;
        released = true;
        this.#inUse -= 1;
      },
    };
  }
}
