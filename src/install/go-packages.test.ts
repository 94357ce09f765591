import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goPackageHashes } from "./go-packages.ts";

const dir = mkdtempSync(join(tmpdir(), "plugd-elf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An ELF64 header whose section table (at 64) holds `sections`, each [type, link, offset, size, entsize]. */
function elf(
  name: string,
  shentsize: number,
  sections: [number, number, bigint, bigint, bigint][],
) {
  const bytes = new Uint8Array(64 + sections.length * 64);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1], 0);
  view.setBigUint64(0x28, 64n, true);
  view.setUint16(0x3a, shentsize, true);
  view.setUint16(0x3c, sections.length, true);
  sections.forEach(([type, link, offset, size, entsize], i) => {
    const at = 64 + i * 64;
    view.setUint32(at + 4, type, true);
    view.setBigUint64(at + 0x18, offset, true);
    view.setBigUint64(at + 0x20, size, true);
    view.setUint32(at + 0x28, link, true);
    view.setBigUint64(at + 0x38, entsize, true);
  });
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe("goPackageHashes on files that lie in their headers", () => {
  test("tables claiming a terabyte are not read, and nothing throws", () => {
    const huge = 1n << 40n;
    const path = elf("huge.so", 64, [
      [3, 0, 0n, huge, 0n],
      [11, 0, 0n, huge, 24n],
    ]);
    expect(goPackageHashes(path)).toEqual(new Map());
  });

  test("section headers of a made-up size, or symbols of one, are not read", () => {
    expect(goPackageHashes(elf("small-entries.so", 0, [[11, 0, 0n, 64n, 24n]]))).toBeUndefined();
    const tiny = elf("tiny-symbols.so", 64, [
      [3, 0, 0n, 16n, 0n],
      [11, 0, 0n, 128n, 1n],
    ]);
    expect(goPackageHashes(tiny)).toEqual(new Map());
  });

  test("a file that is not ELF, or is cut short, has no table", () => {
    writeFileSync(join(dir, "text.so"), "not a library");
    expect(goPackageHashes(join(dir, "text.so"))).toBeUndefined();
    writeFileSync(join(dir, "short.so"), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1]));
    expect(goPackageHashes(join(dir, "short.so"))).toBeUndefined();
  });
});
