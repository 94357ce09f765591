// Where an entry's inflated bytes go, and the in-memory sink for small metadata files.

/** Takes an entry's inflated bytes in order; may queue them, and says when it is behind. */
export interface EntrySink {
  /** Takes a chunk; may throw the error of storing it. */
  write(chunk: Uint8Array): void;
  /** True while more is queued than the sink wants; the producer should wait for drained(). */
  readonly full: boolean;
  /** Settles once everything written so far is stored; rejects if storing failed. */
  drained(): Promise<void>;
}

/** Collects an entry in memory; only for entries whose size was checked to be small. */
export class MemorySink implements EntrySink {
  readonly full = false;
  readonly #chunks: Uint8Array[] = [];

  write(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  /** Everything written, as one array. */
  bytes(): Uint8Array {
    // The length cap is a required argument before the one that asks for a Uint8Array.
    return Bun.concatArrayBuffers(this.#chunks, Number.POSITIVE_INFINITY, true);
  }
}
