// Tests for ZipArchive: extracting real zips to disk, modes, metadata reads and the lifecycle.
import { describe, expect, test } from "bun:test";
import {
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  buildStreamedZip,
  buildZip,
  type FixtureFile,
  rejection,
  tempFolder,
  toZip64,
  writeZip,
} from "../../test/support/zip-fixtures.ts";
import { defaultZipLimits } from "./limits.ts";
import { ZipArchive } from "./zip-archive.ts";

/** Compressible text and random bytes, about half each. */
function mixedContent(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  const line = new TextEncoder().encode(
    "rule r1 fired: SELECT temperature FROM demo WHERE t > 20\n",
  );
  for (let at = 0; at < size; at += 64 * 1024) {
    const block = bytes.subarray(at, Math.min(size, at + 64 * 1024));
    if ((at / (64 * 1024)) % 2 === 0) crypto.getRandomValues(block);
    else for (let i = 0; i < block.length; i++) block[i] = line[i % line.length] ?? 0;
  }
  return bytes;
}

/** Extracts each entry of the zip under `out` with extractTo() and returns the entries. */
async function extractEach(zip: Uint8Array, folder: string) {
  await using archive = await ZipArchive.open(writeZip(folder, zip), defaultZipLimits);
  for (const entry of archive.entries)
    await archive.extractTo(entry, join(folder, "out", entry.name));
  return archive.entries;
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8);
}

const sample: Record<string, FixtureFile> = {
  "name.json": '{"name":"demo"}',
  "lib/": "",
  "lib/demo.so": mixedContent(300_000),
  "etc/demo.yaml": { data: "default:\n  interval: 1s\n", level: 0 },
  "etc/empty.txt": "",
};

describe("ZipArchive.extractTo", () => {
  const shapes: [string, Uint8Array][] = [
    ["a plain zip", buildZip(sample)],
    ["a zip written as a stream, with data descriptors", buildStreamedZip(sample)],
    ["a Zip64 zip", toZip64(buildZip(sample))],
  ];
  test.each(shapes)("extracts every file of %s byte for byte", async (_, zip) => {
    using folder = tempFolder();
    const entries = await extractEach(zip, folder.path);
    expect(entries.map(({ name, isDirectory, method }) => ({ name, isDirectory, method }))).toEqual(
      [
        { name: "name.json", isDirectory: false, method: 8 },
        { name: "lib", isDirectory: true, method: 8 },
        { name: "lib/demo.so", isDirectory: false, method: 8 },
        { name: "etc/demo.yaml", isDirectory: false, method: 0 },
        { name: "etc/empty.txt", isDirectory: false, method: 8 },
      ],
    );
    const out = join(folder.path, "out");
    expect(readFileSync(join(out, "name.json"), "utf8")).toBe('{"name":"demo"}');
    expect(readFileSync(join(out, "lib/demo.so"))).toEqual(
      Buffer.from(sample["lib/demo.so"] as Uint8Array),
    );
    expect(readFileSync(join(out, "etc/demo.yaml"), "utf8")).toBe("default:\n  interval: 1s\n");
    expect(readFileSync(join(out, "etc/empty.txt")).length).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["etc", "lib", "name.json"]);
  });

  test("extracts a 20 MB entry streaming, byte for byte", async () => {
    using folder = tempFolder();
    const content = mixedContent(20 * 1024 * 1024);
    await extractEach(buildZip({ "lib/big.so": { data: content, level: 1 } }), folder.path);
    expect(readFileSync(join(folder.path, "out/lib/big.so")).equals(content)).toBe(true);
  });

  test("keeps a stored entry intact that holds what look like zip signatures", async () => {
    // fflate alone would end a data-descriptor entry at the first signature-like bytes.
    using folder = tempFolder();
    const tricky = new Uint8Array(5000).fill(0x41);
    tricky.set([0x50, 0x4b, 0x07, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 1000);
    tricky.set([0x50, 0x4b, 0x01, 0x02, 0x50, 0x4b, 0x03, 0x04], 3000);
    await extractEach(buildStreamedZip({ "tricky.bin": { data: tricky, level: 0 } }), folder.path);
    expect(readFileSync(join(folder.path, "out/tricky.bin")).equals(tricky)).toBe(true);
  });

  const modes: [string, FixtureFile, string][] = [
    ["keeps 0o755", { data: "#!/bin/sh\n", mode: 0o755 }, "755"],
    ["turns setuid 0o4777 into 0o755", { data: "#!/bin/sh\n", mode: 0o4777 }, "755"],
    ["keeps 0o644", { data: "x", mode: 0o644 }, "644"],
    ["drops world write from 0o666", { data: "x", mode: 0o666 }, "664"],
    ["gives 0o644 to a file without a mode", "x", "644"],
  ];
  test.each(modes)("%s", async (_, file, mode) => {
    using folder = tempFolder();
    await extractEach(buildZip({ "bin/tool": file }), folder.path);
    expect(modeOf(join(folder.path, "out/bin/tool"))).toBe(mode);
  });

  test("creates folders with 0o755 whatever their entry says", async () => {
    using folder = tempFolder();
    await extractEach(buildZip({ "open/": { data: "", mode: 0o777 } }), folder.path);
    expect(modeOf(join(folder.path, "out/open"))).toBe("755");
  });

  test("refuses to write through a symlink planted at the destination", async () => {
    using folder = tempFolder();
    const target = join(folder.path, "target.txt");
    writeFileSync(target, "untouched");
    symlinkSync(target, join(folder.path, "planted"));
    await using archive = await ZipArchive.open(
      writeZip(folder.path, buildZip({ a: "x" })),
      defaultZipLimits,
    );
    const [entry] = archive.entries;
    if (entry === undefined) throw new Error("no entry");
    expect(await rejection(archive.extractTo(entry, join(folder.path, "planted")))).toMatchObject({
      code: "ELOOP",
    });
    expect(readFileSync(target, "utf8")).toBe("untouched");
    expect(lstatSync(join(folder.path, "planted")).isSymbolicLink()).toBe(true);
  });

  test("refuses an entry that came from another archive", async () => {
    using folder = tempFolder();
    const path = writeZip(folder.path, buildZip({ a: "x" }));
    await using first = await ZipArchive.open(path, defaultZipLimits);
    await using second = await ZipArchive.open(path, defaultZipLimits);
    const [entry] = first.entries;
    if (entry === undefined) throw new Error("no entry");
    expect(await rejection(second.extractTo(entry, join(folder.path, "a")))).toMatchObject({
      status: 500,
      message: "zip entry a is not from this archive",
    });
  });
});

describe("ZipArchive.readText", () => {
  const zip = buildZip({
    "name.json": '{"name":"ü"}',
    "bin.dat": new Uint8Array([0xff, 0xfe, 0]),
    "etc/": "",
  });

  async function readText(name: string, maxBytes: number): Promise<string> {
    using folder = tempFolder();
    await using archive = await ZipArchive.open(writeZip(folder.path, zip), defaultZipLimits);
    const entry = archive.entries.find((candidate) => candidate.name === name);
    if (entry === undefined) throw new Error(`no entry ${name}`);
    return await archive.readText(entry, maxBytes);
  }

  test("returns a small file's text", async () => {
    expect(await readText("name.json", 1024)).toBe('{"name":"ü"}');
  });

  const refused: [string, string, number, string][] = [
    [
      "a file over the size given",
      "name.json",
      4,
      "zip entry name.json is 13 bytes, over the 4 bytes allowed for it",
    ],
    ["a file that is not UTF-8", "bin.dat", 1024, "zip entry bin.dat is not UTF-8 text"],
    ["a folder", "etc", 1024, "zip entry etc is a folder, not a file"],
  ];
  test.each(refused)("refuses %s with a 400 naming it", async (_, name, maxBytes, message) => {
    expect(await rejection(readText(name, maxBytes))).toMatchObject({ status: 400, message });
  });
});

describe("ZipArchive lifecycle", () => {
  test("closes its file once, and a second close does nothing", async () => {
    using folder = tempFolder();
    const archive = await ZipArchive.open(
      writeZip(folder.path, buildZip({ a: "x" })),
      defaultZipLimits,
    );
    const [entry] = archive.entries;
    if (entry === undefined) throw new Error("no entry");
    expect(await archive.readText(entry, 10)).toBe("x");
    expect(await archive.close()).toBeUndefined();
    expect(await archive.close()).toBeUndefined();
    // Closed for real: its file can no longer be read.
    expect(await rejection(archive.readText(entry, 10))).toMatchObject({ code: "EBADF" });
  });

  test("fails with a 500 when the zip file cannot be opened", async () => {
    using folder = tempFolder();
    const missing = join(folder.path, "missing.zip");
    expect(await rejection(ZipArchive.open(missing, defaultZipLimits))).toMatchObject({
      status: 500,
      message: `cannot open zip file ${missing}`,
    });
  });
});
