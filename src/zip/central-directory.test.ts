// Tests for readCentralDirectory: entries, attributes, Zip64, and archives that are not zips.
import { describe, expect, test } from "bun:test";
import {
  buildZip,
  centralRecords,
  fileType,
  madeByUnix,
  patchEntry,
  readerOf,
  rejection,
  toZip64,
  unixAttributes,
  withComment,
} from "../../test/support/zip-fixtures.ts";
import { type CentralRecord, type EntryKind, readCentralDirectory } from "./central-directory.ts";

const limits = { maxEntries: 100 };
const encoder = new TextEncoder();

function parse(zip: Uint8Array, maxEntries = limits.maxEntries): Promise<CentralRecord[]> {
  return readCentralDirectory(readerOf(zip), zip.length, { maxEntries });
}

function endRecordAt(zip: Uint8Array): number {
  return zip.length - 22;
}

describe("readCentralDirectory", () => {
  test("lists every entry with its sizes, offsets, CRC and method", async () => {
    const zip = buildZip({ "a.txt": "hello", "lib/": "", "lib/b.bin": { data: "bb", level: 0 } });
    const records = await parse(zip);
    expect(
      records.map(({ name, method, size, kind, mode, encrypted, flags }) => ({
        name,
        method,
        size,
        kind,
        mode,
        encrypted,
        flags,
      })),
    ).toEqual([
      {
        name: "a.txt",
        method: 8,
        size: 5,
        kind: "file",
        mode: undefined,
        encrypted: false,
        flags: 0,
      },
      {
        name: "lib/",
        method: 8,
        size: 0,
        kind: "directory",
        mode: undefined,
        encrypted: false,
        flags: 0,
      },
      {
        name: "lib/b.bin",
        method: 0,
        size: 2,
        kind: "file",
        mode: undefined,
        encrypted: false,
        flags: 0,
      },
    ]);
    expect(records[0]?.crc32).toBe(Bun.hash.crc32(encoder.encode("hello")));
    expect(records[0]?.localHeaderOffset).toBe(0);
    expect(records[2]?.compressedSize).toBe(2);
    expect(records[2]?.storedName).toEqual(encoder.encode("lib/b.bin"));
  });

  test("reads unix permission bits and types from external attributes", async () => {
    const zip = buildZip({
      run: { data: "#!/bin/sh", mode: 0o755 },
      "etc/": { data: "", mode: 0o750 },
    });
    const records = await parse(zip);
    expect(records.map(({ name, kind, mode }) => ({ name, kind, mode }))).toEqual([
      { name: "run", kind: "file", mode: 0o755 },
      { name: "etc/", kind: "directory", mode: 0o750 },
    ]);
  });

  const kinds: [string, number, EntryKind][] = [
    ["a symlink", fileType.symlink | 0o777, "symlink"],
    ["a character device", fileType.charDevice | 0o666, "char-device"],
    ["a block device", fileType.blockDevice | 0o660, "block-device"],
    ["a named pipe", fileType.fifo | 0o644, "fifo"],
    ["a socket", fileType.socket | 0o755, "socket"],
    ["an unknown type", 0o170000 | 0o644, "unknown"],
    ["a setuid file", fileType.file | 0o4755, "file"],
  ];
  test.each(kinds)("recognizes %s made on unix", async (_, attributes, kind) => {
    const zip = patchEntry(buildZip({ x: "data" }), "x", {
      madeBy: madeByUnix,
      externalAttributes: unixAttributes(attributes),
    });
    expect(await parse(zip)).toMatchObject([{ name: "x", kind, mode: attributes & 0o7777 }]);
  });

  test("ignores unix-looking attributes from a zip made on MS-DOS, but not its folder bit", async () => {
    const zip = patchEntry(buildZip({ x: "" }), "x", {
      madeBy: 20,
      externalAttributes: unixAttributes(fileType.symlink | 0o777) | 0x10,
    });
    expect(await parse(zip)).toMatchObject([{ name: "x", kind: "directory", mode: undefined }]);
  });

  test("marks entries with the encryption flag as encrypted", async () => {
    const zip = patchEntry(buildZip({ secret: "x" }), "secret", { flags: 0x1 });
    expect(await parse(zip)).toMatchObject([{ name: "secret", encrypted: true }]);
  });

  test("reads a Zip64 archive the same as its plain form", async () => {
    const zip = buildZip({ "a.txt": "hello", "lib/b.so": new Uint8Array(1000).fill(7) });
    expect(await parse(toZip64(zip))).toEqual(await parse(zip));
  });

  test("finds the end record behind an archive comment", async () => {
    const zip = buildZip({ "a.txt": "hello" });
    const commented = withComment(zip, "PK\u0005\u0006 looks like a signature ".repeat(100));
    expect(await parse(commented)).toEqual(await parse(zip));
  });

  test("refuses a zip listing more entries than allowed before reading them", async () => {
    const zip = buildZip({ a: "1", b: "2", c: "3" });
    expect(await rejection(parse(zip, 2))).toMatchObject({
      status: 400,
      message: "zip has 3 entries, over the limit of 2 (plugin.maxEntries)",
    });
  });

  test("refuses a name that is not UTF-8, naming it as well as it can", async () => {
    const zip = buildZip({ "ab.txt": "x" });
    const [record] = centralRecords(zip);
    zip.set([0xff, 0xfe], (record?.offset ?? 0) + 46);
    expect(await rejection(parse(zip))).toMatchObject({
      status: 400,
      message: 'zip entry "\uFFFD\uFFFD.txt" has a name that is not UTF-8',
    });
  });

  test("refuses saturated sizes without a Zip64 extra field", async () => {
    const zip = patchEntry(buildZip({ "a.bin": "x" }), "a.bin", { compressedSize: 0xffffffff });
    expect(await rejection(parse(zip))).toMatchObject({
      status: 400,
      message: "zip entry a.bin lacks its Zip64 sizes",
    });
  });
});

describe("readCentralDirectory on damaged or foreign files", () => {
  const plain = buildZip({ "a.txt": "hello", "b.txt": "world" });
  /** Offset and width of the end record's fields that the cases damage. */
  const endFields = {
    disk: [4, 2],
    entries: [10, 2],
    directorySize: [12, 4],
    directoryOffset: [16, 4],
  } as const;
  const patchEnd = (field: keyof typeof endFields, value: number) => {
    const [at, width] = endFields[field];
    const copy = plain.slice();
    const view = new DataView(copy.buffer);
    if (width === 2) view.setUint16(endRecordAt(copy) + at, value, true);
    else view.setUint32(endRecordAt(copy) + at, value, true);
    return copy;
  };
  const cases: [string, Uint8Array, string][] = [
    ["an empty file", new Uint8Array(0), "it is 0 bytes, shorter than any zip"],
    [
      "a text file",
      encoder.encode("just some text, not a zip at all"),
      "no end of central directory record in its last 64 KiB",
    ],
    [
      "a zip with its end cut off",
      plain.subarray(0, plain.length - 10),
      "no end of central directory record in its last 64 KiB",
    ],
    ["a split archive", patchEnd("disk", 1), "it is split over several disks"],
    [
      "a directory running into its end record",
      patchEnd("directorySize", 0x10000),
      "its central directory runs past its end record",
    ],
    [
      "an end record counting too many entries",
      patchEnd("entries", 3),
      "central directory record 3 is damaged",
    ],
    [
      "an end record counting too few entries",
      patchEnd("entries", 1),
      "its central directory holds more records than the 1 it counts",
    ],
    [
      "Zip64 markers without a locator",
      patchEnd("directoryOffset", 0xffffffff),
      "its end record asks for Zip64 but there is no Zip64 locator",
    ],
  ];
  test.each(cases)("refuses %s as not a valid zip file", async (_, bytes, why) => {
    expect(await rejection(parse(bytes))).toMatchObject({
      status: 400,
      message: `not a valid zip file: ${why}`,
    });
  });

  test("refuses a central directory far larger than its entries need", async () => {
    const big = buildZip({ "big.bin": { data: new Uint8Array(2 * 1024 * 1024), level: 0 } });
    const view = new DataView(big.buffer);
    view.setUint32(endRecordAt(big) + 12, endRecordAt(big), true);
    view.setUint32(endRecordAt(big) + 16, 0, true);
    expect(await rejection(parse(big))).toMatchObject({
      status: 400,
      message: `zip central directory is ${endRecordAt(big)} bytes, too large for its entries`,
    });
  });
});
