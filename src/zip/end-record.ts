// Finds a zip's end of central directory record, and its Zip64 twin: where the entry list lies.

import { readSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { badRequest } from "../errors.ts";

/** Reads up to `length` bytes at `offset`; fewer only at the end of the file. */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/** Where an archive's bytes come from. */
export interface ZipSource {
  /** Reads entries (and the central directory, unless `central` is given). */
  readonly read: ReadAt;
  /** Reads the end record and central directory, when they come from elsewhere. */
  readonly central?: ReadAt;
  close(): Promise<void>;
}

/** Where the central directory is and how many entries it claims. */
export interface EndRecord {
  readonly entryCount: number;
  readonly centralOffset: number;
  readonly centralSize: number;
  /** Where the end records begin; the central directory must end at or before it. */
  readonly endOffset: number;
}

const endSignature = 0x06054b50;
const locatorSignature = 0x07064b50;
const end64Signature = 0x06064b50;
const endLength = 22;
const locatorLength = 20;
const end64Length = 56;
const maxCommentLength = 0xffff;

/** The 400 for input that is not a zip (or a kind of zip plugd does not read). */
export function notZip(why: string): Error {
  return badRequest(`not a valid zip file: ${why}`);
}

/** A DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A little-endian 64-bit field as a number; throws 400 past 2^53, which no real zip reaches. */
export function readUint64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw notZip("a Zip64 field is beyond 2^53");
  return Number(value);
}

/**
 * Finds the end of central directory record in the last 64 KiB + 22 bytes of the file and,
 * when a Zip64 locator precedes it, the Zip64 end record. Throws 400 "not a valid zip file"
 * when there is none or it points outside the file, and for archives split over disks.
 */
export async function findEndRecord(read: ReadAt, fileSize: number): Promise<EndRecord> {
  if (fileSize < endLength) throw notZip(`it is ${fileSize} bytes, shorter than any zip`);
  const tailStart = Math.max(0, fileSize - endLength - maxCommentLength);
  const tail = await read(tailStart, fileSize - tailStart);
  const at = lastEndSignature(tail);
  if (at < 0) throw notZip("no end of central directory record in its last 64 KiB");
  const view = viewOf(tail);
  if (view.getUint16(at + 4, true) !== 0 || view.getUint16(at + 6, true) !== 0) {
    throw notZip("it is split over several disks");
  }
  const endOffset = tailStart + at;
  if (at >= locatorLength && view.getUint32(at - locatorLength, true) === locatorSignature) {
    const locatorView = new DataView(tail.buffer, tail.byteOffset + at - locatorLength);
    return findEnd64Record(read, locatorView, endOffset - locatorLength);
  }
  const record = {
    entryCount: view.getUint16(at + 10, true),
    centralSize: view.getUint32(at + 12, true),
    centralOffset: view.getUint32(at + 16, true),
    endOffset,
  };
  if (record.entryCount === 0xffff || record.centralOffset === 0xffffffff) {
    throw notZip("its end record asks for Zip64 but there is no Zip64 locator");
  }
  return checkBounds(record);
}

/** The last offset in `tail` holding an end record whose comment fits in the file. */
function lastEndSignature(tail: Uint8Array): number {
  const view = viewOf(tail);
  for (let at = tail.length - endLength; at >= 0; at--) {
    if (view.getUint32(at, true) !== endSignature) continue;
    if (at + endLength + view.getUint16(at + 20, true) <= tail.length) return at;
  }
  return -1;
}

async function findEnd64Record(
  read: ReadAt,
  locator: DataView,
  locatorOffset: number,
): Promise<EndRecord> {
  const end64Offset = readUint64(locator, 8);
  if (end64Offset + end64Length > locatorOffset) {
    throw notZip("its Zip64 locator points past the Zip64 end record's place");
  }
  const view = viewOf(await read(end64Offset, end64Length));
  if (view.byteLength < end64Length || view.getUint32(0, true) !== end64Signature) {
    throw notZip("its Zip64 locator does not point at a Zip64 end record");
  }
  if (view.getUint32(16, true) !== 0 || view.getUint32(20, true) !== 0) {
    throw notZip("it is split over several disks");
  }
  return checkBounds({
    entryCount: readUint64(view, 32),
    centralSize: readUint64(view, 40),
    centralOffset: readUint64(view, 48),
    endOffset: end64Offset,
  });
}

function checkBounds(record: EndRecord): EndRecord {
  if (record.centralOffset + record.centralSize > record.endOffset) {
    throw notZip("its central directory runs past its end record");
  }
  return record;
}

/**
 * Positional reads of an open file: each allocates its own buffer, which the decoders rely on.
 * They block: the zip was written moments before by its download, so a read is a copy out of
 * the page cache taking microseconds, less than the thread hop of an asynchronous read, which
 * would also queue behind the file creations an extraction keeps in flight.
 */
export function readerOf(handle: FileHandle): ReadAt {
  return async (offset, length) => {
    // A closed handle's fd is -1, which readSync refuses as out of range: say what it means.
    if (handle.fd < 0) throw Object.assign(new Error("the zip file is closed"), { code: "EBADF" });
    const buffer = new Uint8Array(length);
    const bytesRead = readSync(handle.fd, buffer, 0, length, offset);
    return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
  };
}
