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

  const refused: [string, Uint8Array, string][] = [
    [
      "a symlink",
      patchEntry(
        buildZip({ "lib/link": "/etc/passwd" }),
        "lib/link",
        unix(fileType.symlink | 0o777),
      ),
      "zip entry lib/link is a symbolic link; a plugin zip may hold only files and folders",
    ],
    [
      "a character device",
      patchEntry(buildZip({ "dev/null": "" }), "dev/null", unix(fileType.charDevice | 0o666)),
      "zip entry dev/null is a character device; a plugin zip may hold only files and folders",
    ],
    [
      "a block device",
      patchEntry(buildZip({ sda: "" }), "sda", unix(fileType.blockDevice | 0o660)),
      "zip entry sda is a block device; a plugin zip may hold only files and folders",
    ],
    [
      "a named pipe",
      patchEntry(buildZip({ pipe: "" }), "pipe", unix(fileType.fifo | 0o644)),
      "zip entry pipe is a named pipe; a plugin zip may hold only files and folders",
    ],
    [
      "a socket",
      patchEntry(buildZip({ sock: "" }), "sock", unix(fileType.socket | 0o755)),
      "zip entry sock is a socket; a plugin zip may hold only files and folders",
    ],
    [
      "an entry of unknown type",
      patchEntry(buildZip({ odd: "" }), "odd", unix(0o170000 | 0o644)),
      "zip entry odd is a file of unknown type; a plugin zip may hold only files and folders",
    ],
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
    [
      "a name climbing out",
      buildZip({ "../evil.so": "x" }),
      "zip entry ../evil.so climbs out of its folder with ..",
    ],
    [
      "an absolute name",
      buildZip({ "/etc/cron.d/x": "x" }),
      "zip entry /etc/cron.d/x is an absolute path",
    ],
    [
      "a name with a backslash",
      buildZip({ "..\\evil.so": "x" }),
      'zip entry "..\\\\evil.so" uses a backslash; zip names use forward slashes',
    ],
    [
      "a name with a NUL byte",
      buildZip({ "a.so\0.txt": "x" }),
      'zip entry "a.so\\u0000.txt" has a control character (U+0000)',
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
