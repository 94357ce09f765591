// The state of one entry on its way through fflate: output checks, and pacing of the input.
import type { FlateError, UnzipFile } from "fflate";
import { badRequest } from "../errors.ts";
import type { EntrySink } from "./entry-sink.ts";
import { InflateError, type Valve } from "./native-inflate.ts";
import { entryLabel } from "./safe-path.ts";
import type { ZipEntry } from "./vet-entries.ts";

const utf8NameFlag = 0x800;

/**
 * One entry's way through fflate. It checks the local header fflate parsed against the
 * central directory, counts and CRCs the output on its way to the sink, and tells the
 * reader when to push more (settled) and when all is done (finished). Its failures are
 * 400s naming the entry, or the sink's own error.
 */
export class EntryRun implements Valve {
  readonly #entry: ZipEntry;
  readonly #sink: EntrySink;
  readonly #label: string;
  readonly #outcome = Promise.withResolvers<void>();
  #file: UnzipFile | undefined;
  #holds: Promise<void>[] = [];
  #written = 0;
  #crc = 0;
  /** Set once the outcome is decided; output arriving later is dropped, not written. */
  #decided = false;

  constructor(entry: ZipEntry, sink: EntrySink) {
    this.#entry = entry;
    this.#sink = sink;
    this.#label = entryLabel(entry.name);
    // Failures are rethrown by settled() and finished(); this keeps early ones from being "unhandled".
    this.#outcome.promise.catch(() => {});
  }

  get full(): boolean {
    return this.#sink.full;
  }

  drained(): Promise<void> {
    return this.#sink.drained().catch((err: unknown) => {
      this.abort(err);
      throw err;
    });
  }

  hold(consumed: Promise<void>): void {
    this.#holds.push(consumed);
  }

  /** fflate parsed the local header: it must match the central directory before data flows. */
  begin(file: UnzipFile, localFlags: number): void {
    const mismatch = localMismatch(this.#entry, file, localFlags);
    if (mismatch !== undefined) {
      throw badRequest(
        `zip entry ${this.#label} has a local header whose ${mismatch} differs from the central directory`,
      );
    }
    this.#file = file;
    file.ondata = (err, data, final) => this.#take(err, data, final);
    file.start();
  }

  /** Waits until the decoder took what was pushed and the sink is not behind. */
  async settled(): Promise<void> {
    const waits = this.#holds;
    this.#holds = [];
    if (this.#sink.full) waits.push(this.drained());
    // A failed entry may never release its holds, so its failure has to end the wait.
    await Promise.race([Promise.all(waits), this.#outcome.promise]);
  }

  /** Waits for the last byte to be checked and stored. */
  async finished(): Promise<void> {
    if (this.#file === undefined) {
      throw badRequest(`zip entry ${this.#label} has a local header that could not be parsed`);
    }
    await this.#outcome.promise;
    await this.#sink.drained();
  }

  abort(err: unknown): void {
    this.#decided = true;
    this.#file?.terminate();
    this.#outcome.reject(err);
  }

  #take(err: FlateError | null, data: Uint8Array, final: boolean): void {
    if (this.#decided) return;
    try {
      if (err !== null) throw this.#inflateFailure(err);
      this.#written += data.length;
      if (this.#written > this.#entry.size) throw this.#overflow();
      if (data.length > 0) {
        this.#crc = Bun.hash.crc32(data, this.#crc);
        this.#sink.write(data);
      }
      if (final) {
        this.#verify();
        this.#decided = true;
        this.#outcome.resolve();
      }
    } catch (failure) {
      this.abort(failure);
    }
  }

  #inflateFailure(err: FlateError): Error {
    if (err instanceof InflateError && err.overflow) return this.#overflow();
    return badRequest(`zip entry ${this.#label} is corrupt: ${err.message}`, err);
  }

  #overflow(): Error {
    return badRequest(
      `zip entry ${this.#label} inflates to more than the ${this.#entry.size} bytes it declares`,
    );
  }

  #verify(): void {
    if (this.#written < this.#entry.size) {
      throw badRequest(
        `zip entry ${this.#label} inflates to ${this.#written} bytes, fewer than the ${this.#entry.size} it declares`,
      );
    }
    if (this.#crc >>> 0 !== this.#entry.crc32) {
      throw badRequest(
        `zip entry ${this.#label} fails its CRC-32 check: it is corrupt or was altered`,
      );
    }
  }
}

/** Which field of the local header, as fflate reports it, disagrees with the central record. */
function localMismatch(entry: ZipEntry, file: UnzipFile, localFlags: number): string | undefined {
  // fflate decodes names as UTF-8 only when the flag says so; decode the central bytes alike.
  const centralName = nameText(entry.storedName, (localFlags & utf8NameFlag) === 0);
  if (file.name !== centralName) return "name";
  if (file.compression !== entry.method) return "compression method";
  if (file.size !== entry.compressedSize) return "compressed size";
  if (file.originalSize !== entry.size) return "size";
  return undefined;
}

/** A stored name as fflate reads it: UTF-8, or with `latin1` one character per byte. */
function nameText(bytes: Uint8Array, latin1: boolean): string {
  if (!latin1) return new TextDecoder().decode(bytes);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}
