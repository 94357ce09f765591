// Tests for vetEntries: what a plugin zip may hold, and the 400s naming the entries it may not.
import { describe, expect, test } from "bun:test";
import {
  buildZip,
  caught,
  type EntryPatch,
  fileType,
  madeByUnix,
  patchEntry,
  readerOf,
  unixAttributes,
} from "../../test/support/zip-fixtures.ts";
import { readCentralDirectory } from "./central-directory.ts";
import { vetEntries, type ZipEntry } from "./vet-entries.ts";

async function entriesOf(zip: Uint8Array): Promise<() => ZipEntry[]> {
  const records = await readCentralDirectory(readerOf(zip), zip.length, { maxEntries: 100 });
  return () => vetEntries(records);
}

const unix = (typeAndMode: number): EntryPatch => ({
  madeBy: madeByUnix,
  externalAttributes: unixAttributes(typeAndMode),
});

describe("vetEntries", () => {
  test("turns records into entries with normalized names", async () => {
    const zip = buildZip({ "./lib/": "", "lib/a.so": { data: "so", mode: 0o755, level: 0 } });
    const entries = (await entriesOf(zip))();
    expect(entries.map(({ storedName, localHeaderOffset, ...rest }) => rest)).toEqual([
      {
        name: "lib",
        size: 0,
        compressedSize: 2,
        method: 8,
        mode: undefined,
        isDirectory: true,
        crc32: 0,
        flags: 0,
      },
      {
        name: "lib/a.so",
        size: 2,
        compressedSize: 2,
        method: 0,
        mode: 0o755,
        isDirectory: false,
        crc32: Bun.hash.crc32("so"),
        flags: 0,
      },
    ]);
  });

  /** Entries of a kind a plugin may not hold: the kind as named in the 400, its name and type bits. */
  const foreignKinds: [string, string, number][] = [
    ["a symbolic link", "lib/link", fileType.symlink | 0o777],
    ["a character device", "dev/null", fileType.charDevice | 0o666],
    ["a block device", "sda", fileType.blockDevice | 0o660],
    ["a named pipe", "pipe", fileType.fifo | 0o644],
    ["a socket", "sock", fileType.socket | 0o755],
    ["a file of unknown type", "odd", 0o170000 | 0o644],
  ];
  test.each(foreignKinds)("refuses %s with a 400 naming the entry", async (kind, name, type) => {
    const vet = await entriesOf(patchEntry(buildZip({ [name]: "" }), name, unix(type)));
    expect(caught(vet)).toMatchObject({
      status: 400,
      message: `zip entry ${name} is ${kind}; a plugin zip may hold only files and folders`,
    });
  });

  /** Names no plugin file may have, each with the 400's message. */
  const badNames: [string, string, string][] = [
    ["a name climbing out", "../evil.so", "zip entry ../evil.so climbs out of its folder with .."],
    ["an absolute name", "/etc/cron.d/x", "zip entry /etc/cron.d/x is an absolute path"],
    [
      "a name with a backslash",
      "..\\evil.so",
      'zip entry "..\\\\evil.so" uses a backslash; zip names use forward slashes',
    ],
    [
      "a name with a NUL byte",
      "a.so\0.txt",
      'zip entry "a.so\\u0000.txt" has a control character (U+0000)',
    ],
  ];
  test.each(badNames)("refuses %s with a 400 naming the entry", async (_, name, message) => {
    expect(caught(await entriesOf(buildZip({ [name]: "x" })))).toMatchObject({
      status: 400,
      message,
    });
  });

  const refused: [string, Uint8Array, string][] = [
    [
      "an encrypted entry",
      patchEntry(buildZip({ "secret.so": "x" }), "secret.so", { flags: 0x1 }),
      "zip entry secret.so is encrypted; plugd reads only unencrypted zips",
    ],
    [
      "an entry compressed with bzip2",
      patchEntry(buildZip({ "a.so": "x" }), "a.so", { method: 12 }),
      "zip entry a.so uses compression method 12; plugd reads only stored (0) and deflate (8)",
    ],
    ["a name twice", buildZip({ "a.so": "1", "./a.so": "2" }), "zip entry a.so appears twice"],
    [
      "a folder and a file by one name",
      buildZip({ "lib/": "", lib: "x" }),
      "zip entry lib appears twice",
    ],
    [
      "a file where a folder must be",
      buildZip({ lib: "x", "lib/a.so": "y" }),
      "zip entry lib/a.so needs lib to be a folder, but the zip also has a file by that name",
    ],
    [
      "a folder holding data",
      patchEntry(buildZip({ "lib/": "" }), "lib/", { size: 5 }),
      "zip entry lib/ is a folder but holds 5 bytes",
    ],
    [
      "a stored entry whose sizes differ",
      patchEntry(buildZip({ "a.so": { data: "abc", level: 0 } }), "a.so", { size: 300 }),
      "zip entry a.so is stored uncompressed but declares 300 bytes in 3",
    ],
    [
      "entries sharing bytes",
      patchEntry(buildZip({ "a.bin": "aaaa", "b.bin": "bbbb" }), "b.bin", { localHeaderOffset: 0 }),
      "zip entry a.bin overlaps zip entry b.bin",
    ],
  ];
  test.each(refused)("refuses %s with a 400 naming the entry", async (_, zip, message) => {
    const vet = await entriesOf(zip);
    expect(caught(vet)).toMatchObject({ status: 400, message });
  });

  test("accepts a setuid file, whose bits extraction drops", async () => {
    const zip = buildZip({ run: { data: "x", mode: 0o4755 } });
    expect((await entriesOf(zip))()).toMatchObject([{ name: "run", mode: 0o4755 }]);
  });
});
