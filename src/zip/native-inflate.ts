// fflate decoders for deflate entries that run Bun's native zlib instead of fflate's JS inflate.

import type * as Zlib from "node:zlib";
import type { FlateError, UnzipDecoder, UnzipDecoderConstructor } from "fflate";

/** node:zlib, which pumpEntry loads at the first extraction: it costs milliseconds of a start. */
export type ZlibModule = typeof Zlib;

/** How a streaming decoder keeps pace with the writer behind it and the reader before it. */
export interface Valve {
  /** True while the writer has more queued than it wants. */
  readonly full: boolean;
  /** Settles once the writer has caught up; rejects if writing failed. */
  drained(): Promise<void>;
  /** Hands over a promise that settles once the decoder has taken in a pushed chunk. */
  hold(consumed: Promise<void>): void;
}

/**
 * What a decoder calls with its output. fflate types the data as backed by a plain
 * ArrayBuffer; node:zlib's Buffers are typed more loosely, and fflate only passes them on.
 */
type DataHandler = (err: FlateError | null, data: Uint8Array, final: boolean) => void;

/** The error a decoder reports through fflate; `overflow` marks output past the declared size. */
export class InflateError extends Error implements FlateError {
  readonly code = 0;
  readonly overflow: boolean;

  constructor(message: string, overflow: boolean, cause?: unknown) {
    super(message, { cause });
    this.name = "InflateError";
    this.overflow = overflow;
  }
}

/** Output chunk of the streaming decoder: large enough to keep per-chunk costs low. */
const outputChunkSize = 256 * 1024;
/** node:zlib's smallest allowed chunk size. */
const minChunkSize = 64;
const empty = new Uint8Array(0);

/**
 * A decoder for one deflate entry that inflates with node:zlib's streaming inflater. It stops
 * inflating while `valve` reports the writer full, so memory stays at a few chunks however
 * large the entry. fflate's own inflate is pure JS and several times slower.
 */
export function streamingInflate(valve: Valve, zlib: ZlibModule): UnzipDecoderConstructor {
  return class StreamingInflate implements UnzipDecoder {
    static readonly compression = 8;
    ondata: DataHandler = () => {};
    readonly #zlib = zlib.createInflateRaw({ chunkSize: outputChunkSize });

    constructor() {
      this.#zlib.on("data", (chunk: Uint8Array) => this.#emit(chunk));
      this.#zlib.on("end", () => this.ondata(null, empty, true));
      this.#zlib.on("error", (err: Error) => {
        this.ondata(new InflateError(err.message, false, err), empty, true);
      });
    }

    push(chunk: Uint8Array, final: boolean): void {
      valve.hold(new Promise((resolve) => this.#zlib.write(chunk, () => resolve())));
      if (final) this.#zlib.end();
    }

    terminate(): void {
      this.#zlib.destroy();
    }

    #emit(chunk: Uint8Array): void {
      this.ondata(null, chunk, false);
      if (!valve.full || this.#zlib.isPaused()) return;
      this.#zlib.pause();
      valve.drained().then(
        () => this.#zlib.resume(),
        () => this.#zlib.destroy(),
      );
    }
  };
}

/**
 * A decoder for one small deflate entry that inflates all of it in one native call. It
 * buffers the compressed bytes (the caller keeps this path for small entries) and caps
 * the output at `declaredSize`, so a lying entry cannot inflate without bound. `onOutput`
 * is shown the output buffer, which is the decoder's own, before it is passed on.
 */
export function oneShotInflate(
  declaredSize: number,
  zlib: ZlibModule,
  onOutput: (output: Uint8Array) => void = () => {},
): UnzipDecoderConstructor {
  return class OneShotInflate implements UnzipDecoder {
    static readonly compression = 8;
    ondata: DataHandler = () => {};
    readonly #chunks: Uint8Array[] = [];

    push(chunk: Uint8Array, final: boolean): void {
      // Keeping views is safe: every read of the zip allocates a buffer of its own.
      if (chunk.length > 0) this.#chunks.push(chunk);
      if (!final) return;
      let output: Uint8Array;
      try {
        const input =
          this.#chunks.length === 1
            ? (this.#chunks[0] ?? empty)
            : Bun.concatArrayBuffers(this.#chunks, Number.POSITIVE_INFINITY, true);
        // One output buffer of exactly the declared size plus one byte: node:zlib then neither
        // grows nor joins buffers (twice as fast), and a byte more than declared is an error.
        // It wants positive numbers; the caller still counts, so a declared 0 is enforced too.
        output = zlib.inflateRawSync(input, {
          maxOutputLength: Math.max(declaredSize, 1),
          chunkSize: Math.max(declaredSize + 1, minChunkSize),
        });
      } catch (err) {
        this.ondata(toInflateError(err), empty, true);
        return;
      }
      onOutput(output);
      this.ondata(null, output, true);
    }
  };
}

function toInflateError(err: unknown): InflateError {
  if (!(err instanceof Error)) return new InflateError(String(err), false, err);
  const overflow = "code" in err && err.code === "ERR_BUFFER_TOO_LARGE";
  return new InflateError(err.message, overflow, err);
}
