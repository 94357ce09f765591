// Tests for ZipArchive.extractAll and extractFiles: whole zips, mapped paths, clean failure.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  buildZip,
  patchEntry,
  rejection,
  tempFolder,
  writeZip,
} from "../../test/support/zip-fixtures.ts";
import { defaultZipLimits } from "./limits.ts";
import { ZipArchive } from "./zip-archive.ts";

/** Every path under `root`, folders with a trailing slash, sorted. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((item) => {
      const path = join(item.parentPath, item.name).slice(root.length + 1);
      return item.isDirectory() ? `${path}/` : path;
    })
    .sort();
}

describe("ZipArchive.extractAll", () => {
  test("extracts every entry under the root, with folders and modes", async () => {
    using folder = tempFolder();
    const files: Record<string, string> = {};
    for (let index = 0; index < 40; index++)
      files[`lib/part${index % 4}/f${index}.txt`] = `file ${index}`;
    const zip = buildZip({
      ...files,
      "empty/": "",
      "bin/run": { data: "#!/bin/sh", mode: 0o4755 },
    });
    await using archive = await ZipArchive.open(writeZip(folder.path, zip), defaultZipLimits);
    const out = join(folder.path, "out");
    await archive.extractAll(out);
    const expected = [
      ...Object.keys(files),
      ...["lib/", "lib/part0/", "lib/part1/", "lib/part2/", "lib/part3/"],
      ...["empty/", "bin/", "bin/run"],
    ];
    expect(tree(out)).toEqual(expected.sort());
    expect(readFileSync(join(out, "lib/part3/f39.txt"), "utf8")).toBe("file 39");
    expect((statSync(join(out, "bin/run")).mode & 0o7777).toString(8)).toBe("755");
  });

  test("stops at a refused entry and removes the files it created ahead", async () => {
    using folder = tempFolder();
    const zip = patchEntry(
      buildZip({ "a.txt": "a", "b.so": "b", "c.txt": "c", "d.txt": "d", "e.txt": "e" }),
      "b.so",
      { crc32: 7 },
    );
    await using archive = await ZipArchive.open(writeZip(folder.path, zip), defaultZipLimits);
    const out = join(folder.path, "out");
    expect(await rejection(archive.extractAll(out))).toMatchObject({
      status: 400,
      message: "zip entry b.so fails its CRC-32 check: it is corrupt or was altered",
    });
    expect(tree(out)).toEqual(["a.txt"]);
  });
});

describe("ZipArchive.extractFiles", () => {
  test("inflates only the listed entries, each straight to its own path, making its folders", async () => {
    using folder = tempFolder();
    const zip = buildZip({ "a.so": "lib", "etc/x.yaml": "x: 1", "etc/deep/y.txt": "y", z: "z" });
    await using archive = await ZipArchive.open(writeZip(folder.path, zip), defaultZipLimits);
    const byName = new Map(archive.entries.map((entry) => [entry.name, entry]));
    const at = (name: string, path: string) => {
      const entry = byName.get(name);
      if (entry === undefined) throw new Error(`no entry ${name}`);
      return { entry, path: join(folder.path, "out", path) };
    };
    await archive.extractFiles([
      at("a.so", "plugins/sinks/a.so"),
      at("etc/x.yaml", "etc/sinks/a/x.yaml"),
      at("etc/deep/y.txt", "etc/sinks/a/deep/y.txt"),
    ]);
    expect(tree(join(folder.path, "out"))).toEqual([
      "etc/",
      "etc/sinks/",
      "etc/sinks/a/",
      "etc/sinks/a/deep/",
      "etc/sinks/a/deep/y.txt",
      "etc/sinks/a/x.yaml",
      "plugins/",
      "plugins/sinks/",
      "plugins/sinks/a.so",
    ]);
    expect(readFileSync(join(folder.path, "out/etc/sinks/a/deep/y.txt"), "utf8")).toBe("y");
  });

  test("refuses an entry of another archive before creating anything", async () => {
    using folder = tempFolder();
    const path = writeZip(folder.path, buildZip({ "a.txt": "a" }));
    await using one = await ZipArchive.open(path, defaultZipLimits);
    await using other = await ZipArchive.open(path, defaultZipLimits);
    const [entry] = other.entries;
    if (entry === undefined) throw new Error("no entry");
    const out = join(folder.path, "out", "a.txt");
    expect(await rejection(one.extractFiles([{ entry, path: out }]))).toMatchObject({
      status: 500,
    });
    expect(readdirSync(folder.path)).not.toContain("out");
  });
});
