// A zip still being written by its download: a read waits until the bytes it needs are on disk.
import { closeSync, openSync, readSync } from "node:fs";
import { badRequest } from "../errors.ts";
import type { ReadAt } from "./end-record.ts";

interface Waiter {
  need: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The file a download is writing, read while it grows. The download reports each write with
 * grew() and its end with ended(); read() answers once the bytes asked for are written, and
 * rejects with the download's failure, or a 400 if the download ended short of `size`.
 */
export class GrowingFile {
  readonly #path: string;
  readonly #size: number;
  /** Names the download in the message for a body cut short. */
  readonly #shown: string;
  #written = 0;
  #end: { failure: unknown } | undefined;
  #fd: number | undefined;
  readonly #waiters = new Set<Waiter>();
  readonly #demand: () => void;

  /**
   * `size` is what the file will hold once complete, as the server declared it; `demand` is
   * called at the first read, so the download can wait until a byte of it is wanted.
   */
  constructor(path: string, size: number, shown: string, demand: () => void) {
    this.#path = path;
    this.#size = size;
    this.#shown = shown;
    this.#demand = demand;
  }

  /** The download has `bytes` on disk. */
  grew(bytes: number): void {
    this.#written = bytes;
    for (const waiter of this.#waiters) {
      if (waiter.need <= bytes) this.#settle(waiter);
    }
  }

  /** The download is over: `failure` is its error, undefined when it completed. */
  ended(failure?: unknown): void {
    this.#end = { failure };
    for (const waiter of this.#waiters) this.#settle(waiter);
  }

  /** Positional reads, as ZipArchive makes them; they block once the bytes are there (see readerOf). */
  readonly read: ReadAt = async (offset, length) => {
    this.#demand();
    const end = Math.min(offset + length, this.#size);
    if (end > this.#written) {
      await new Promise<void>((resolve, reject) => {
        const waiter = { need: end, resolve, reject };
        this.#waiters.add(waiter);
        if (this.#end !== undefined) this.#settle(waiter);
      });
    }
    this.#fd ??= openSync(this.#path, "r");
    const buffer = new Uint8Array(Math.max(0, end - offset));
    const bytesRead = readSync(this.#fd, buffer, 0, buffer.length, offset);
    return bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
  };

  /** Closes the read side; later reads open the file again. */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #settle(waiter: Waiter): void {
    this.#waiters.delete(waiter);
    const failure = this.#end?.failure;
    if (waiter.need <= this.#written) waiter.resolve();
    else if (failure !== undefined) waiter.reject(failure);
    else {
      waiter.reject(
        badRequest(
          `download of ${this.#shown} ended at ${this.#written} bytes, short of the ${this.#size} its server declared`,
        ),
      );
    }
  }
}
