// Reads an entry's local header: where its data starts, and the header to hand to fflate.
import { badRequest } from "../errors.ts";
import { type ReadAt, viewOf } from "./end-record.ts";
import { entryLabel } from "./safe-path.ts";
import type { ZipEntry } from "./vet-entries.ts";

/** An entry's local header and the first of its compressed bytes. */
export interface LocalRecord {
  /** The local header as fflate is to see it; see readLocalRecord for the one change made. */
  readonly header: Uint8Array;
  /** General purpose bit flags of the local header as stored. */
  readonly flags: number;
  /** Where the compressed data starts in the zip file. */
  readonly dataStart: number;
  /** Compressed bytes that came with the header's read: a prefix of the data, maybe empty. */
  readonly head: Uint8Array;
}

const localSignature = 0x04034b50;
const localFixedLength = 30;
const dataDescriptorFlag = 0x8;
/** Room for the usual extra fields (timestamps, unix ids), so one read mostly suffices. */
const extraAllowance = 256;

/**
 * Reads the local header of `entry`, plus up to `prefetch` bytes of its data in the same
 * read. Throws 400 naming the entry when there is no local header at its offset.
 *
 * fflate's streaming Unzip finds the end of an entry written with a data descriptor (flag
 * bit 3, sizes zero in the local header) by scanning the compressed bytes for the next
 * signature, which can occur by chance inside compressed data. The central directory
 * already has the true sizes, so for such entries the copy given to fflate carries them
 * and has bit 3 cleared; fflate then frames the data by length, as for any other entry.
 */
export async function readLocalRecord(
  read: ReadAt,
  entry: ZipEntry,
  prefetch: number,
): Promise<LocalRecord> {
  const guess = localFixedLength + entry.storedName.length + extraAllowance;
  let bytes = await read(entry.localHeaderOffset, guess + prefetch);
  const view = viewOf(bytes);
  if (bytes.length < localFixedLength || view.getUint32(0, true) !== localSignature) {
    throw badRequest(`zip entry ${entryLabel(entry.name)} has no local header where it should`);
  }
  const headerLength = localFixedLength + view.getUint16(26, true) + view.getUint16(28, true);
  if (bytes.length < headerLength) bytes = await read(entry.localHeaderOffset, headerLength);
  if (bytes.length < headerLength) {
    throw badRequest(`zip entry ${entryLabel(entry.name)} has a local header cut short`);
  }
  const flags = view.getUint16(6, true);
  const header = bytes.subarray(0, headerLength);
  const head = bytes.subarray(
    headerLength,
    headerLength + Math.min(prefetch, entry.compressedSize),
  );
  return {
    header: (flags & dataDescriptorFlag) === 0 ? header : withCentralSizes(header, entry),
    flags,
    dataStart: entry.localHeaderOffset + headerLength,
    head,
  };
}

function withCentralSizes(header: Uint8Array, entry: ZipEntry): Uint8Array {
  if (entry.size >= 0xffffffff || entry.compressedSize >= 0xffffffff) {
    throw badRequest(
      `zip entry ${entryLabel(entry.name)} uses a data descriptor with sizes over 4 GiB`,
    );
  }
  const copy = header.slice();
  const view = viewOf(copy);
  view.setUint16(6, view.getUint16(6, true) & ~dataDescriptorFlag, true);
  view.setUint32(14, entry.crc32, true);
  view.setUint32(18, entry.compressedSize, true);
  view.setUint32(22, entry.size, true);
  return copy;
}
