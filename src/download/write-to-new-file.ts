// Streams chunks into a file it creates, with a size cap and an incremental SHA-256.

import { type FileHandle, open, rm } from "node:fs/promises";
import { type AppError, describeError, internal } from "../errors.ts";

/** The next chunk of the content, or undefined at its end. */
export type NextChunk = () => Promise<Uint8Array | undefined>;

/** An open content source: its chunks, and the way to let it go whatever happened. */
export interface Source {
  next: NextChunk;
  close(): Promise<void>;
  /** Each chunk is a buffer of its own that nothing else holds, so it can be freed once written. */
  ownsChunks?: boolean;
}

/** Size and lower-case hex SHA-256 of what was written. */
export interface Written {
  size: number;
  sha256: string;
}

export interface WriteLimits {
  maxBytes: number;
  /** The error to throw once more than `maxBytes` arrived. */
  overLimit: () => AppError;
  signal: AbortSignal;
  /** Runs after the last byte while the file is still ours: what it throws removes the file. */
  accept?: (written: Written) => void;
  /** Told the bytes on disk so far, after each chunk is written. */
  onWritten?: (bytes: number) => void;
  /** Given each chunk once it is written and no longer needed. */
  spent?: (chunk: Uint8Array) => void;
}

async function writeAll(out: FileHandle, chunk: Uint8Array): Promise<void> {
  // A write may be short (full disk, signals); the rest goes in the next call.
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await out.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

async function pump(out: FileHandle, next: NextChunk, limits: WriteLimits): Promise<Written> {
  const hasher = new Bun.CryptoHasher("sha256");
  let size = 0;
  // Each chunk is written before the next is asked for, so a slow disk slows the reading.
  for (let chunk = await next(); chunk !== undefined; chunk = await next()) {
    limits.signal.throwIfAborted();
    size += chunk.byteLength;
    if (size > limits.maxBytes) throw limits.overLimit();
    hasher.update(chunk);
    try {
      await writeAll(out, chunk);
    } catch (err) {
      throw internal(`cannot write the download: ${describeError(err)}`, err);
    }
    limits.onWritten?.(size);
    limits.spent?.(chunk);
  }
  return { size, sha256: hasher.digest("hex") };
}

/**
 * Creates `destPath`, which must not exist (an existing file or symlink there is a 500 and is
 * left alone), and fills it from `next`. On any failure after creating it, `destPath` is
 * removed before the error is rethrown.
 * @throws the `overLimit` error, `signal.reason`, whatever `next` or `accept` throw, or a 500
 *   when the disk fails.
 */
export async function writeToNewFile(
  destPath: string,
  next: NextChunk,
  limits: WriteLimits,
): Promise<Written> {
  let out: FileHandle;
  try {
    out = await open(destPath, "wx");
  } catch (err) {
    throw internal(`cannot create ${destPath}: ${describeError(err)}`, err);
  }
  try {
    const written = await pump(out, next, limits);
    await out.close();
    limits.accept?.(written);
    return written;
  } catch (err) {
    // Closing twice only rejects; the error worth reporting is the one that got us here.
    await out.close().catch(() => undefined);
    await rm(destPath, { force: true });
    throw err;
  }
}
