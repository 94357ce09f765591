// Runs one zip entry through fflate's streaming Unzip into a sink, checking its size and CRC.
import type { Unzip } from "fflate";
import { AppError, badRequest, describeError } from "../errors.ts";
import type { ReadAt } from "./end-record.ts";
import { EntryRun } from "./entry-run.ts";
import type { EntrySink } from "./entry-sink.ts";
import { type LocalRecord, readLocalRecord } from "./local-record.ts";
import { oneShotInflate, streamingInflate } from "./native-inflate.ts";
import { release } from "./release.ts";
import { entryLabel } from "./safe-path.ts";
import type { ZipEntry } from "./vet-entries.ts";

/** Compressed bytes read from the zip at a time. */
const readChunkSize = 256 * 1024;
/** Entries at most this large, compressed and inflated, are read and inflated in one go. */
const oneShotMaxSize = 1024 * 1024;
/** What follows a record in a real zip; fflate parses a header only once it sees bytes past it. */
const nextRecord = new Uint8Array([0x50, 0x4b, 0x01, 0x02]);

/** Whether an entry is small enough to be read and inflated in one go. */
function isOneShot(entry: ZipEntry): boolean {
  return entry.size <= oneShotMaxSize && entry.compressedSize <= oneShotMaxSize;
}

/**
 * Reads the local header of `entry` and, for a small entry, all its data, as pumpEntry()
 * needs them. Callers create their sink after this, so that creating a file does not
 * compete with this read. Throws 400 naming the entry when there is no local header.
 */
export function readEntryStart(read: ReadAt, entry: ZipEntry): Promise<LocalRecord> {
  return readLocalRecord(read, entry, isOneShot(entry) ? entry.compressedSize : 0);
}

/**
 * Inflates `entry`, whose start `local` came from readEntryStart(), into `sink`. The
 * central directory is the authority: fflate's Unzip parses the local header, which must
 * agree with it, frames the compressed bytes and hands them to a decoder (stored: fflate's
 * pass-through; deflate: node:zlib, see native-inflate.ts). Memory stays at a few chunks:
 * the zip is read piece by piece, and the next piece waits until the decoder took the last
 * one and the sink caught up. Throws 400 naming the entry when the local header disagrees,
 * the data is cut short or corrupt, it inflates to more or fewer bytes than declared, or
 * its CRC-32 differs; rejects with the sink's error if storing fails. With `recycle`, once the
 * sink has stored everything, a small entry's buffers (the one read of it, and the one-shot
 * decoder's output) are freed at once (see release.ts): only for a sink that keeps no chunk,
 * and a `read` whose every buffer is its own. A streamed entry's chunks are left to the
 * collector: node:zlib may still hold them.
 */
export async function pumpEntry(
  read: ReadAt,
  entry: ZipEntry,
  local: LocalRecord,
  sink: EntrySink,
  recycle = false,
): Promise<void> {
  const run = new EntryRun(entry, sink);
  const spent: Uint8Array[] = [local.header, local.head];
  // Loaded at the first install rather than at start, which they would slow for every start.
  const [{ Unzip: Streaming, UnzipPassThrough }, zlib] = await Promise.all([
    import("fflate"),
    import("node:zlib"),
  ]);
  const unzip = new Streaming((file) => run.begin(file, local.flags));
  unzip.register(UnzipPassThrough);
  const keep = (output: Uint8Array) => spent.push(output);
  unzip.register(
    isOneShot(entry) ? oneShotInflate(entry.size, zlib, keep) : streamingInflate(run, zlib),
  );
  try {
    feed(entry, unzip, local.header, false);
    for await (const chunk of dataChunks(read, entry, local)) {
      feed(entry, unzip, chunk, false);
      await run.settled();
    }
    feed(entry, unzip, nextRecord, true);
    await run.finished();
  } catch (err) {
    run.abort(err);
    throw err;
  }
  if (recycle) release(spent);
}

/** Pushes into fflate, turning its parse errors into a 400 that names the entry. */
function feed(entry: ZipEntry, unzip: Unzip, chunk: Uint8Array, final: boolean): void {
  try {
    unzip.push(chunk, final);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw badRequest(`zip entry ${entryLabel(entry.name)} is damaged: ${describeError(err)}`, err);
  }
}

async function* dataChunks(read: ReadAt, entry: ZipEntry, local: LocalRecord) {
  if (local.head.length > 0) yield local.head;
  const end = local.dataStart + entry.compressedSize;
  for (let at = local.dataStart + local.head.length; at < end; ) {
    const chunk = await read(at, Math.min(readChunkSize, end - at));
    if (chunk.length === 0) {
      throw badRequest(`zip entry ${entryLabel(entry.name)} is cut short by the end of the file`);
    }
    yield chunk;
    at += chunk.length;
  }
}
