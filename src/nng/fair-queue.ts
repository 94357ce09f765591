// FairQueue: per-connection message queues served round-robin, so one chatty peer cannot starve others.

/** Items queued per key (a pipe id), taken one key at a time in rotation. */
export class FairQueue<T> {
  /** Only keys with queued items are present; Map order is the rotation order. */
  readonly #lanes = new Map<number, T[]>();
  #count = 0;

  /** Number of queued items over all keys. */
  get size(): number {
    return this.#count;
  }

  /** Queues `item` behind the earlier items of the same key. */
  push(key: number, item: T): void {
    const lane = this.#lanes.get(key);
    if (lane) lane.push(item);
    else this.#lanes.set(key, [item]);
    this.#count++;
  }

  /** The oldest item of the next key in rotation, or undefined when all lanes are empty. */
  shift(): T | undefined {
    for (const [key, lane] of this.#lanes) {
      const item = lane.shift();
      // Re-inserting moves the key to the back of the rotation.
      this.#lanes.delete(key);
      if (lane.length > 0) this.#lanes.set(key, lane);
      if (item !== undefined) this.#count--;
      return item;
    }
    return undefined;
  }

  /** Forgets every item queued under `key`. */
  drop(key: number): void {
    this.#count -= this.#lanes.get(key)?.length ?? 0;
    this.#lanes.delete(key);
  }
}
