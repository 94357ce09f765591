// SerialQueue: runs async steps one at a time, in the order they were asked for.

/** Orders steps such as stop and restart so that two of them never interleave. */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `step` after every step queued before it; settles as `step` does. */
  run<T>(step: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(step);
    // The tail only orders steps; a step's failure reaches its own caller through `result`.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
