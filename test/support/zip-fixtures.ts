// Zip files built in code for tests: plain ones with fflate, hostile ones by patching their bytes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DeflateOptions,
  strToU8,
  Zip,
  ZipDeflate,
  ZipPassThrough,
  type Zippable,
  zipSync,
} from "fflate";

/** Entry content: bytes, or text stored as UTF-8. */
export type FixtureData = Uint8Array | string;
/** An entry: its content, or content with unix permission bits and a deflate level (0: stored). */
export type FixtureFile =
  | FixtureData
  | { data: FixtureData; mode?: number; level?: DeflateOptions["level"] };

/** Unix file type bits, to combine with permission bits in `unixAttributes`. */
export const fileType = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  charDevice: 0o020000,
  blockDevice: 0o060000,
  fifo: 0o010000,
  socket: 0o140000,
} as const;

/** "Version made by" for an entry made on unix (host 3) by zip 2.0. */
export const madeByUnix = (3 << 8) | 20;

/** External attributes for a unix type and mode: unixAttributes(fileType.symlink | 0o777). */
export function unixAttributes(typeAndMode: number): number {
  return (typeAndMode << 16) >>> 0;
}

/**
 * A zip of `files`, made with fflate's zipSync. Names are written exactly as given, hostile
 * ones included; names ending in "/" are folders. With `mode`, the entry is marked as made
 * on unix with those permission bits (and the file or folder type).
 */
export function buildZip(files: Record<string, FixtureFile>): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, file] of Object.entries(files)) {
    const { data, mode, level } = unpack(file);
    const unix = mode === undefined ? {} : { os: 3, attrs: attributesFor(name, mode) };
    zippable[name] = [data, { level: level ?? 6, ...unix }];
  }
  return zipSync(zippable);
}

/**
 * The same as buildZip, but written as a stream with fflate's Zip class: every entry has
 * general flag bit 3 set, zero sizes in its local header and a data descriptor after its data.
 */
export function buildStreamedZip(files: Record<string, FixtureFile>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err !== null) throw err;
    chunks.push(chunk);
  });
  for (const [name, file] of Object.entries(files)) {
    const { data, mode, level } = unpack(file);
    const input =
      level === 0 ? new ZipPassThrough(name) : new ZipDeflate(name, { level: level ?? 6 });
    if (mode !== undefined) {
      input.os = 3;
      input.attrs = attributesFor(name, mode);
    }
    zip.add(input);
    input.push(data, true);
  }
  zip.end();
  return concat(chunks);
}

/** Fields of one entry to overwrite; those marked "both" change the local header too. */
export interface EntryPatch {
  /** Central only: "version made by", e.g. madeByUnix. */
  madeBy?: number;
  /** Central only: external attributes, e.g. unixAttributes(fileType.symlink | 0o777). */
  externalAttributes?: number;
  /** Central only: where the local header is said to be. */
  localHeaderOffset?: number;
  /** Both: general purpose bit flags (bit 0 encrypted, bit 3 data descriptor). */
  flags?: number;
  /** Both: compression method. */
  method?: number;
  /** Both. */
  crc32?: number;
  /** Both. */
  compressedSize?: number;
  /** Both: the declared uncompressed size. */
  size?: number;
  /** Local only: a different name of the same byte length. */
  localName?: string;
}

/** A copy of `zip` with the named entry's header fields overwritten. Throws if there is no such entry. */
export function patchEntry(zip: Uint8Array, name: string, patch: EntryPatch): Uint8Array {
  const copy = zip.slice();
  const view = new DataView(copy.buffer);
  const central = centralRecords(copy).find((record) => record.name === name)?.offset;
  if (central === undefined) throw new Error(`no entry ${name} in the zip`);
  const local = view.getUint32(central + 42, true);
  if (patch.madeBy !== undefined) view.setUint16(central + 4, patch.madeBy, true);
  if (patch.externalAttributes !== undefined) {
    view.setUint32(central + 38, patch.externalAttributes, true);
  }
  if (patch.localHeaderOffset !== undefined) {
    view.setUint32(central + 42, patch.localHeaderOffset, true);
  }
  const both = (centralAt: number, localAt: number, value: number | undefined, width: 2 | 4) => {
    if (value === undefined) return;
    for (const at of [central + centralAt, local + localAt]) {
      if (width === 2) view.setUint16(at, value, true);
      else view.setUint32(at, value, true);
    }
  };
  both(8, 6, patch.flags, 2);
  both(10, 8, patch.method, 2);
  both(16, 14, patch.crc32, 4);
  both(20, 18, patch.compressedSize, 4);
  both(24, 22, patch.size, 4);
  if (patch.localName !== undefined) copy.set(strToU8(patch.localName), local + 30);
  return copy;
}

/** Offset and name of every central directory record, in order. */
export function centralRecords(zip: Uint8Array): { offset: number; name: string }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = endRecordOffset(zip);
  const records: { offset: number; name: string }[] = [];
  let at = view.getUint32(end + 16, true);
  for (let index = 0; index < view.getUint16(end + 10, true); index++) {
    const nameLength = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    records.push({ offset: at, name });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return records;
}

/** A copy of `zip` with an archive comment, which sits after the end record. */
export function withComment(zip: Uint8Array, comment: string): Uint8Array {
  const text = strToU8(comment);
  const copy = concat([zip, text]);
  new DataView(copy.buffer).setUint16(endRecordOffset(zip) + 20, text.length, true);
  return copy;
}

/**
 * The same zip in Zip64 form: sizes and offsets in the central directory saturated at
 * 0xffffffff with the real values in Zip64 extra fields, and Zip64 end records.
 */
export function toZip64(zip: Uint8Array): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = endRecordOffset(zip);
  const count = view.getUint16(end + 10, true);
  const centralOffset = view.getUint32(end + 16, true);
  const records = centralRecords(zip).map(({ offset }) => zip64Record(zip, offset));
  const central = concat(records);
  // Offset, value and width of each field: the Zip64 end record (56 bytes), its locator
  // (20 bytes), then a classic end record whose saturated fields send readers to them.
  const tail = new DataView(new ArrayBuffer(56 + 20 + 22));
  const fields: [number, number, 2 | 4 | 8][] = [
    [0, 0x06064b50, 4],
    [4, 44, 8],
    [12, 45, 2],
    [14, 45, 2],
    [24, count, 8],
    [32, count, 8],
    [40, central.length, 8],
    [48, centralOffset, 8],
    [56, 0x07064b50, 4],
    [64, centralOffset + central.length, 8],
    [72, 1, 4],
    [76, 0x06054b50, 4],
    [84, 0xffff, 2],
    [86, 0xffff, 2],
    [88, 0xffffffff, 4],
    [92, 0xffffffff, 4],
  ];
  for (const [at, value, width] of fields) setField(tail, at, value, width);
  return concat([zip.subarray(0, centralOffset), central, new Uint8Array(tail.buffer)]);
}

function zip64Record(zip: Uint8Array, offset: number): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const nameLength = view.getUint16(offset + 28, true);
  const extraLength = view.getUint16(offset + 30, true);
  const rest = zip.subarray(
    offset + 46,
    offset + 46 + nameLength + extraLength + view.getUint16(offset + 32, true),
  );
  const fixed = zip.slice(offset, offset + 46);
  const fixedView = new DataView(fixed.buffer);
  const extra = new DataView(new ArrayBuffer(28));
  setField(extra, 0, 1, 2);
  setField(extra, 2, 24, 2);
  setField(extra, 4, view.getUint32(offset + 24, true), 8);
  setField(extra, 12, view.getUint32(offset + 20, true), 8);
  setField(extra, 20, view.getUint32(offset + 42, true), 8);
  for (const at of [20, 24, 42]) fixedView.setUint32(at, 0xffffffff, true);
  fixedView.setUint16(30, extraLength + 28, true);
  const name = rest.subarray(0, nameLength);
  return concat([fixed, name, new Uint8Array(extra.buffer), rest.subarray(nameLength)]);
}

/** What `fn` throws; fails the test when it throws nothing. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error, but nothing was thrown");
}

/** What `promise` rejects with; fails the test when it fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection, but the promise fulfilled");
}

/** Reads from bytes in memory the way ZipArchive reads from its file. */
export function readerOf(
  bytes: Uint8Array,
): (offset: number, length: number) => Promise<Uint8Array> {
  return async (offset, length) => bytes.slice(offset, offset + length);
}

/** A temporary folder that removes itself: `using folder = tempFolder()`. */
export function tempFolder(): { path: string } & Disposable {
  const path = mkdtempSync(join(tmpdir(), "plugd-zip-"));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes `zip` into `folder` and returns its path. */
export function writeZip(folder: string, zip: Uint8Array, name = "plugin.zip"): string {
  const path = join(folder, name);
  writeFileSync(path, zip);
  return path;
}

function unpack(file: FixtureFile): {
  data: Uint8Array;
  mode?: number;
  level?: DeflateOptions["level"];
} {
  if (typeof file === "string" || file instanceof Uint8Array) return { data: toBytes(file) };
  return { ...file, data: toBytes(file.data) };
}

function toBytes(data: FixtureData): Uint8Array {
  return typeof data === "string" ? strToU8(data) : data;
}

function attributesFor(name: string, mode: number): number {
  return unixAttributes((name.endsWith("/") ? fileType.directory : fileType.file) | mode);
}

function endRecordOffset(zip: Uint8Array): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = zip.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) === 0x06054b50) return at;
  }
  throw new Error("no end record in the zip");
}

function setField(view: DataView, at: number, value: number, width: 2 | 4 | 8): void {
  if (width === 2) view.setUint16(at, value, true);
  else if (width === 4) view.setUint32(at, value, true);
  else view.setBigUint64(at, BigInt(value), true);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}
