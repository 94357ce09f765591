// The rules a zip's entries must pass before anything is written: kinds, methods, names, layout.
import { badRequest } from "../errors.ts";
import type { CentralRecord, EntryKind } from "./central-directory.ts";
import { checkEntryName, entryLabel } from "./safe-path.ts";

/** One entry of an opened zip, checked and ready to extract. */
export interface ZipEntry {
  /** Normalized relative path without a trailing slash (see checkEntryName). */
  readonly name: string;
  /** Declared uncompressed size; extraction refuses an entry that inflates to more. */
  readonly size: number;
  readonly compressedSize: number;
  readonly method: 0 | 8;
  /** Unix permission bits (0o7777) when the zip was made on unix, else undefined. */
  readonly mode: number | undefined;
  readonly isDirectory: boolean;
  /** CRC-32 from the central directory; extraction refuses content that does not match. */
  readonly crc32: number;
  readonly localHeaderOffset: number;
  /** The name's bytes as stored, to match the local header against. */
  readonly storedName: Uint8Array;
  /** General purpose bit flags from the central directory (bit 3: data descriptor). */
  readonly flags: number;
}

/** Length of a local header before its name: where an entry's data can start at the earliest. */
const localFixedLength = 30;

const kindNames: Record<EntryKind, string> = {
  file: "file",
  directory: "folder",
  symlink: "symbolic link",
  "char-device": "character device",
  "block-device": "block device",
  fifo: "named pipe",
  socket: "socket",
  unknown: "file of unknown type",
};

/**
 * Checks every record and returns the entries to extract. Throws 400 naming the entry for:
 * encryption, anything but files and folders (symlinks, devices, pipes, sockets), methods
 * other than stored and deflate, unsafe names, a name twice, a file where a folder must be,
 * a folder holding data, a stored entry whose sizes differ, and entries sharing bytes.
 */
export function vetEntries(records: readonly CentralRecord[]): ZipEntry[] {
  const entries = records.map(vetEntry);
  refuseDuplicates(entries);
  refuseFilesAsFolders(entries);
  refuseOverlaps(entries);
  return entries;
}

function vetEntry(record: CentralRecord): ZipEntry {
  const name = checkEntryName(record.name);
  const refuse = (why: string) => badRequest(`zip entry ${entryLabel(record.name)} ${why}`);
  if (record.encrypted) throw refuse("is encrypted; plugd reads only unencrypted zips");
  if (record.kind !== "file" && record.kind !== "directory") {
    throw refuse(`is a ${kindNames[record.kind]}; a plugin zip may hold only files and folders`);
  }
  const method = record.method;
  if (method !== 0 && method !== 8) {
    throw refuse(`uses compression method ${method}; plugd reads only stored (0) and deflate (8)`);
  }
  const isDirectory = record.kind === "directory";
  if (isDirectory && record.size > 0) throw refuse(`is a folder but holds ${record.size} bytes`);
  if (method === 0 && record.size !== record.compressedSize) {
    throw refuse(
      `is stored uncompressed but declares ${record.size} bytes in ${record.compressedSize}`,
    );
  }
  return {
    name,
    size: record.size,
    compressedSize: record.compressedSize,
    method,
    mode: record.mode,
    isDirectory,
    crc32: record.crc32,
    localHeaderOffset: record.localHeaderOffset,
    storedName: record.storedName,
    flags: record.flags,
  };
}

function refuseDuplicates(entries: readonly ZipEntry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    // Two entries for one path let the second silently replace what was checked first.
    if (seen.has(entry.name)) throw badRequest(`zip entry ${entryLabel(entry.name)} appears twice`);
    seen.add(entry.name);
  }
}

function refuseFilesAsFolders(entries: readonly ZipEntry[]): void {
  const files = new Set(entries.filter((entry) => !entry.isDirectory).map((entry) => entry.name));
  for (const entry of entries) {
    for (
      let slash = entry.name.indexOf("/");
      slash >= 0;
      slash = entry.name.indexOf("/", slash + 1)
    ) {
      const folder = entry.name.slice(0, slash);
      if (files.has(folder)) {
        throw badRequest(
          `zip entry ${entryLabel(entry.name)} needs ${entryLabel(folder)} to be a folder, ` +
            "but the zip also has a file by that name",
        );
      }
    }
  }
}

/**
 * Entries whose data overlap let a small zip declare the same compressed bytes many times
 * over (the "non-recursive zip bomb"); a real zip never shares bytes between entries.
 */
function refuseOverlaps(entries: readonly ZipEntry[]): void {
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let index = 1; index < byOffset.length; index++) {
    const before = byOffset[index - 1];
    const after = byOffset[index];
    if (before === undefined || after === undefined) continue;
    const earliestEnd =
      before.localHeaderOffset +
      localFixedLength +
      before.storedName.length +
      before.compressedSize;
    if (earliestEnd > after.localHeaderOffset) {
      throw badRequest(
        `zip entry ${entryLabel(before.name)} overlaps zip entry ${entryLabel(after.name)}`,
      );
    }
  }
}
