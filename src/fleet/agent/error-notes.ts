// The fleet agent's connection errors: the last one for GET /fleet, each logged once per outage.

/** At most this many distinct lines per outage. */
const maxLines = 8;

/**
 * Remembers the last error and logs each distinct one once until clear() (the next connect),
 * so attempts that fail in turns for two reasons (a reset, a refusal) are two lines, not a
 * flood, and an outage of any length is a few lines.
 */
export class ErrorNotes {
  readonly #log: (message: string) => void;
  readonly #said = new Set<string>();
  #last = "";

  constructor(log: (message: string) => void) {
    this.#log = log;
  }

  /** The last error noted since clear(); "" when none. */
  get last(): string {
    return this.#last;
  }

  note(message: string): void {
    this.#last = message;
    if (this.#said.has(message) || this.#said.size >= maxLines) return;
    this.#said.add(message);
    this.#log(message);
  }

  /** Forgets the errors (connected again); true when there was one. */
  clear(): boolean {
    const had = this.#last !== "";
    this.#last = "";
    this.#said.clear();
    return had;
  }
}
