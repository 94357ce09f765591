// Tests for the hostile zips ZipArchive refuses, at open and while inflating, naming the entry.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  buildStreamedZip,
  buildZip,
  centralRecords,
  fileType,
  madeByUnix,
  patchEntry,
  rejection,
  tempFolder,
  unixAttributes,
  writeZip,
} from "../../test/support/zip-fixtures.ts";
import { defaultZipLimits, type ZipLimits } from "./limits.ts";
import { ZipArchive } from "./zip-archive.ts";

const mib = 1024 * 1024;

async function openRefusal(zip: Uint8Array, limits: ZipLimits = defaultZipLimits) {
  using folder = tempFolder();
  return await rejection(ZipArchive.open(writeZip(folder.path, zip), limits));
}

/** Random bytes: incompressible, so sizes stay under the ratio limit. */
function noise(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
  return bytes;
}

describe("ZipArchive.open refuses before anything is written", () => {
  const small: ZipLimits = {
    ...defaultZipLimits,
    maxEntries: 2,
    maxEntrySize: mib,
    maxTotalSize: mib,
  };
  const cases: [string, Uint8Array, ZipLimits, string][] = [
    [
      "a file that is not a zip",
      new TextEncoder().encode("<html>not found</html>"),
      defaultZipLimits,
      "not a valid zip file: no end of central directory record in its last 64 KiB",
    ],
    [
      "a symlink after good files",
      patchEntry(buildZip({ "a.so": "x", "z/link": "/etc" }), "z/link", {
        madeBy: madeByUnix,
        externalAttributes: unixAttributes(fileType.symlink | 0o777),
      }),
      defaultZipLimits,
      "zip entry z/link is a symbolic link; a plugin zip may hold only files and folders",
    ],
    [
      "a ratio bomb of 10 MiB of zeros",
      buildZip({ "zeros.bin": new Uint8Array(10 * mib) }),
      defaultZipLimits,
      "zip entry zeros.bin declares 10 MiB from",
    ],
    [
      "too many entries",
      buildZip({ a: "1", b: "2", c: "3" }),
      small,
      "zip has 3 entries, over the limit of 2 (plugin.maxEntries)",
    ],
    [
      "an entry over the size limit",
      buildZip({ "big.bin": { data: noise(2 * mib), level: 0 } }),
      small,
      "zip entry big.bin declares 2 MiB, over the 1 MiB limit per entry (plugin.maxEntrySize)",
    ],
    [
      "entries over the total limit",
      buildZip({ a: { data: noise(mib), level: 0 }, b: { data: noise(mib), level: 0 } }),
      small,
      "zip entries add up to 2 MiB by zip entry b, over the 1 MiB limit for a whole zip (plugin.maxTotalSize)",
    ],
    [
      "an encrypted entry",
      patchEntry(buildZip({ "a.so": "x" }), "a.so", { flags: 1 }),
      defaultZipLimits,
      "zip entry a.so is encrypted; plugd reads only unencrypted zips",
    ],
    [
      "a name climbing out",
      buildZip({ "lib/../../x.so": "x" }),
      defaultZipLimits,
      "zip entry lib/../../x.so climbs out of its folder with ..",
    ],
  ];
  test.each(cases)("refuses %s with a 400 naming it", async (_, zip, limits, message) => {
    expect(await openRefusal(zip, limits)).toMatchObject({
      status: 400,
      message: expect.stringContaining(message),
    });
  });
});

describe("ZipArchive.extractTo refuses what only inflating reveals", () => {
  /** Tries to extract `name` and returns the error, checking no partial file is left. */
  async function extractRefusal(zip: Uint8Array, name: string) {
    using folder = tempFolder();
    await using archive = await ZipArchive.open(writeZip(folder.path, zip), defaultZipLimits);
    const entry = archive.entries.find((candidate) => candidate.name === name);
    if (entry === undefined) throw new Error(`no entry ${name}`);
    const dest = join(folder.path, "out", name);
    const err = await rejection(archive.extractTo(entry, dest));
    expect(existsSync(dest)).toBe(false);
    return err;
  }

  /** Small entries are inflated in one call, large ones streaming: both paths are tested. */
  const sizes: [string, number][] = [
    ["a small entry", 5000],
    ["a large entry", 3 * mib],
  ];

  test.each(sizes)("refuses %s that inflates to more than it declares", async (_, size) => {
    const zip = patchEntry(buildZip({ "a.so": noise(size) }), "a.so", { size: size - 100 });
    expect(await extractRefusal(zip, "a.so")).toMatchObject({
      status: 400,
      message: `zip entry a.so inflates to more than the ${size - 100} bytes it declares`,
    });
  });

  test.each(sizes)("refuses %s that inflates to less than it declares", async (_, size) => {
    const zip = patchEntry(buildZip({ "a.so": noise(size) }), "a.so", { size: size + 100 });
    expect(await extractRefusal(zip, "a.so")).toMatchObject({
      status: 400,
      message: `zip entry a.so inflates to ${size} bytes, fewer than the ${size + 100} it declares`,
    });
  });

  test.each(sizes)("refuses %s whose CRC-32 does not match", async (_, size) => {
    const zip = patchEntry(buildZip({ "a.so": noise(size) }), "a.so", { crc32: 0x12345678 });
    expect(await extractRefusal(zip, "a.so")).toMatchObject({
      status: 400,
      message: "zip entry a.so fails its CRC-32 check: it is corrupt or was altered",
    });
  });

  test.each(sizes)("refuses %s whose deflate data is corrupt", async (_, size) => {
    const zip = buildZip({ "a.so": noise(size) });
    const dataStart = 30 + "a.so".length;
    zip.fill(0xff, dataStart, dataStart + 64);
    expect(await extractRefusal(zip, "a.so")).toMatchObject({
      status: 400,
      message: expect.stringContaining("zip entry a.so is corrupt: "),
    });
  });

  test("refuses a stored entry with a data descriptor whose CRC-32 does not match", async () => {
    const zip = patchEntry(buildStreamedZip({ "a.so": { data: "abc", level: 0 } }), "a.so", {
      crc32: 1,
    });
    expect(await extractRefusal(zip, "a.so")).toMatchObject({
      status: 400,
      message: "zip entry a.so fails its CRC-32 check: it is corrupt or was altered",
    });
  });

  test("refuses a local header whose name differs from the central directory", async () => {
    const zip = patchEntry(buildZip({ "a.so": "x" }), "a.so", { localName: "b.so" });
    expect(await extractRefusal(zip, "a.so")).toMatchObject({
      status: 400,
      message: "zip entry a.so has a local header whose name differs from the central directory",
    });
  });

  test("refuses an entry whose local header is missing", async () => {
    const zip = buildZip({ "a.so": "x", "b.so": "y" });
    const [, second] = centralRecords(zip);
    const offset = new DataView(zip.buffer).getUint32((second?.offset ?? 0) + 42, true);
    zip.fill(0, offset, offset + 4);
    expect(await extractRefusal(zip, "b.so")).toMatchObject({
      status: 400,
      message: "zip entry b.so has no local header where it should",
    });
  });

  test("refuses an entry whose data runs past the end of the file", async () => {
    const zip = buildZip({ "a.so": noise(1000) });
    const cut = patchEntry(zip, "a.so", { compressedSize: zip.length });
    expect(await extractRefusal(cut, "a.so")).toMatchObject({
      status: 400,
      message: "zip entry a.so is cut short by the end of the file",
    });
  });
});
