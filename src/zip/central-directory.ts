// Parses a zip's central directory: the authoritative list of entries, their sizes and attributes.
import { badRequest } from "../errors.ts";
import { findEndRecord, notZip, type ReadAt, readUint64, viewOf } from "./end-record.ts";
import { type EntryKind, kindAndMode } from "./entry-kind.ts";
import { checkEntryCount, type ZipLimits } from "./limits.ts";
import { entryLabel } from "./safe-path.ts";

export type { EntryKind } from "./entry-kind.ts";

/** One central directory record as stored: nothing here is checked yet. */
export interface CentralRecord {
  /** The name as UTF-8 text, as stored (not normalized). */
  readonly name: string;
  /** The name's bytes as stored, to match the local header against. */
  readonly storedName: Uint8Array;
  /** Compression method: 0 stored, 8 deflate; anything else is refused later. */
  readonly method: number;
  /** General purpose bit flags: bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8. */
  readonly flags: number;
  readonly compressedSize: number;
  /** Declared uncompressed size. */
  readonly size: number;
  readonly localHeaderOffset: number;
  readonly crc32: number;
  /** Unix permission bits (0o7777) when made on unix, else undefined. */
  readonly mode: number | undefined;
  readonly kind: EntryKind;
  readonly encrypted: boolean;
}

const centralSignature = 0x02014b50;
const centralLength = 46;
const zip64ExtraId = 0x0001;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

/**
 * The bytes a central directory of `count` entries may take before it is refused: a
 * generous 1 KiB a record, so that memory stays bounded by `maxEntries`, not by the file.
 */
function maxCentralSize(count: number): number {
  return 1024 * 1024 + count * 1024;
}

/**
 * Reads the end record and every central directory record of the zip that `read` reads.
 * Throws 400 "not a valid zip file" for damage, and 400 when the zip lists more than
 * `maxEntries` entries or its central directory is implausibly large for that many.
 */
export async function readCentralDirectory(
  read: ReadAt,
  fileSize: number,
  limits: Pick<ZipLimits, "maxEntries">,
): Promise<CentralRecord[]> {
  const end = await findEndRecord(read, fileSize);
  checkEntryCount(end.entryCount, limits);
  if (end.centralSize > maxCentralSize(end.entryCount)) {
    throw badRequest(
      `zip central directory is ${end.centralSize} bytes, too large for its entries`,
    );
  }
  const bytes = await read(end.centralOffset, end.centralSize);
  if (bytes.length < end.centralSize) throw notZip("its central directory is cut short");
  return parseRecords(bytes, end.entryCount);
}

function parseRecords(bytes: Uint8Array, count: number): CentralRecord[] {
  const view = viewOf(bytes);
  const records: CentralRecord[] = [];
  let at = 0;
  for (let index = 0; index < count; index++) {
    if (at + centralLength > bytes.length || view.getUint32(at, true) !== centralSignature) {
      throw notZip(`central directory record ${index + 1} is damaged`);
    }
    const length = recordLength(view, at);
    if (at + length > bytes.length) {
      throw notZip(`central directory record ${index + 1} is cut short`);
    }
    records.push(parseRecord(bytes.subarray(at, at + length)));
    at += length;
  }
  // Another reader walking the directory by size would see entries this one never checked.
  if (at + 4 <= bytes.length && view.getUint32(at, true) === centralSignature) {
    throw notZip(`its central directory holds more records than the ${count} it counts`);
  }
  return records;
}

function recordLength(view: DataView, at: number): number {
  const nameLength = view.getUint16(at + 28, true);
  const extraLength = view.getUint16(at + 30, true);
  const commentLength = view.getUint16(at + 32, true);
  return centralLength + nameLength + extraLength + commentLength;
}

function parseRecord(record: Uint8Array): CentralRecord {
  const view = viewOf(record);
  const nameEnd = centralLength + view.getUint16(28, true);
  // A copy, so the whole directory buffer is not kept alive by one name.
  const storedName = record.slice(centralLength, nameEnd);
  const name = decodeName(storedName);
  const extra = record.subarray(nameEnd, nameEnd + view.getUint16(30, true));
  const sizes = resolveZip64(name, view, extra);
  const flags = view.getUint16(8, true);
  return {
    name,
    storedName,
    method: view.getUint16(10, true),
    flags,
    ...sizes,
    crc32: view.getUint32(16, true),
    ...kindAndMode(view.getUint16(4, true) >>> 8, view.getUint32(38, true), name),
    // Bit 6 is PKWARE's strong encryption, which also sets bit 0 when done by the book.
    encrypted: (flags & 0x41) !== 0,
  };
}

function decodeName(stored: Uint8Array): string {
  try {
    return utf8.decode(stored);
  } catch (err) {
    throw badRequest(
      `zip entry ${entryLabel(lossyUtf8.decode(stored))} has a name that is not UTF-8`,
      err,
    );
  }
}

type Sizes = Pick<CentralRecord, "size" | "compressedSize" | "localHeaderOffset">;

/** The sizes and offset, taking those saturated at 0xffffffff from the Zip64 extra field. */
function resolveZip64(name: string, view: DataView, extra: Uint8Array): Sizes {
  let size = view.getUint32(24, true);
  let compressedSize = view.getUint32(20, true);
  let localHeaderOffset = view.getUint32(42, true);
  if (size !== 0xffffffff && compressedSize !== 0xffffffff && localHeaderOffset !== 0xffffffff) {
    return { size, compressedSize, localHeaderOffset };
  }
  const field = findExtraField(extra, zip64ExtraId);
  const missing = () => badRequest(`zip entry ${entryLabel(name)} lacks its Zip64 sizes`);
  if (field === undefined) throw missing();
  const values = viewOf(field);
  let at = 0;
  // The extra field holds only the saturated values, always in this order.
  const next = () => {
    if (at + 8 > field.length) throw missing();
    at += 8;
    return readUint64(values, at - 8);
  };
  if (size === 0xffffffff) size = next();
  if (compressedSize === 0xffffffff) compressedSize = next();
  if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
  return { size, compressedSize, localHeaderOffset };
}

/** The data of the first extra field with this id, if any. */
function findExtraField(extra: Uint8Array, id: number): Uint8Array | undefined {
  const view = viewOf(extra);
  for (let at = 0; at + 4 <= extra.length; ) {
    const length = view.getUint16(at + 2, true);
    if (view.getUint16(at, true) === id) return extra.subarray(at + 4, at + 4 + length);
    at += 4 + length;
  }
  return undefined;
}
