// The desired values by topic, and one apply at a time of the one that wins: latest wins, never two at once.

/** The winning retained value: the topic it came from and its payload. */
export interface Winner {
  topic: string;
  payload: Uint8Array;
}

/**
 * Keeps the latest non-empty value of each desired topic and runs `apply` for the value that
 * wins (the first topic of `priority` that holds one: the gateway's own, then its groups in
 * order). A value offered while an apply runs is applied after it, never in parallel; values
 * offered meanwhile collapse into the latest. When every topic is empty nothing is applied.
 */
export class DesiredQueue {
  readonly #values = new Map<string, Uint8Array>();
  readonly #priority: readonly string[];
  readonly #apply: (winner: Winner) => Promise<void>;
  readonly #settleMs: number;
  #dirty = false;
  #running: Promise<void> | undefined;

  /** `settleMs`: how long a first offer waits for the rest of a burst (the retained values on connect). */
  constructor(
    priority: readonly string[],
    apply: (winner: Winner) => Promise<void>,
    settleMs = 20,
  ) {
    this.#priority = priority;
    this.#apply = apply;
    this.#settleMs = settleMs;
  }

  /** Records `payload` for `topic` (empty: that desired state was cleared) and applies the winner. */
  offer(topic: string, payload: Uint8Array): void {
    if (!this.#priority.includes(topic)) return;
    if (payload.length === 0) this.#values.delete(topic);
    else this.#values.set(topic, payload);
    this.#dirty = true;
    this.#running ??= this.#pump().finally(() => {
      this.#running = undefined;
    });
  }

  /** The value that wins now, if any. */
  winner(): Winner | undefined {
    for (const topic of this.#priority) {
      const payload = this.#values.get(topic);
      if (payload) return { topic, payload };
    }
    return undefined;
  }

  /** Resolves once no apply is running (at once when idle). */
  async idle(): Promise<void> {
    await this.#running;
  }

  async #pump(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.#settleMs));
    while (this.#dirty) {
      this.#dirty = false;
      const winner = this.winner();
      if (winner) await this.#apply(winner);
    }
  }
}
