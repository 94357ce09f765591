// Tests for checkLimits: entry count, size per entry, total size and compression ratio.
import { describe, expect, test } from "bun:test";
import { caught } from "../../test/support/zip-fixtures.ts";
import { checkLimits, type DeclaredSizes, defaultZipLimits, type ZipLimits } from "./limits.ts";

const mib = 1024 * 1024;
const small: ZipLimits = {
  maxEntries: 3,
  maxEntrySize: 10 * mib,
  maxTotalSize: 15 * mib,
  maxRatio: 100,
  ratioMinSize: 100 * 1024,
};

function entry(name: string, size: number, compressedSize = size): DeclaredSizes {
  return { name, size, compressedSize };
}

describe("checkLimits", () => {
  test("has the documented defaults", () => {
    expect(defaultZipLimits).toEqual({
      maxEntries: 10_000,
      maxEntrySize: 256 * mib,
      maxTotalSize: 512 * mib,
      maxRatio: 100,
      ratioMinSize: 100 * 1024,
    });
  });

  const accepted: [string, DeclaredSizes[]][] = [
    ["an empty zip", []],
    ["entries exactly at the size limits", [entry("a", 10 * mib), entry("b", 5 * mib)]],
    ["an entry exactly at the ratio limit", [entry("a", 10 * mib, (10 * mib) / 100)]],
    ["a small entry compressed far beyond the ratio", [entry("spaces.txt", 100 * 1024, 10)]],
    ["an empty entry with no compressed bytes", [entry("empty", 0, 0)]],
  ];
  test.each(accepted)("accepts %s", (_, entries) => {
    expect(() => checkLimits(entries, small)).not.toThrow();
  });

  const refused: [string, DeclaredSizes[], string][] = [
    [
      "too many entries",
      [entry("a", 1), entry("b", 1), entry("c", 1), entry("d", 1)],
      "zip has 4 entries, over the limit of 3 (plugin.maxEntries)",
    ],
    [
      "an entry over the size limit",
      [entry("big.bin", 11 * mib)],
      "zip entry big.bin declares 11 MiB, over the 10 MiB limit per entry (plugin.maxEntrySize)",
    ],
    [
      "entries adding up to more than the total limit",
      [entry("a.bin", 8 * mib), entry("b.bin", 8 * mib)],
      "zip entries add up to 16 MiB by zip entry b.bin, over the 15 MiB limit for a whole zip (plugin.maxTotalSize)",
    ],
    [
      "an entry over the ratio limit",
      [entry("zeros.bin", 10 * mib, 10 * 1024)],
      "zip entry zeros.bin declares 10 MiB from 10 KiB compressed, a ratio of 1024, over the limit of 100 (plugin.maxRatio)",
    ],
    [
      "a large entry claiming no compressed bytes",
      [entry("nothing.bin", mib, 0)],
      "zip entry nothing.bin declares 1 MiB from 0 bytes compressed, a ratio of 1048576, over the limit of 100 (plugin.maxRatio)",
    ],
  ];
  test.each(refused)("refuses %s with a 400 naming it", (_, entries, message) => {
    expect(caught(() => checkLimits(entries, small))).toMatchObject({ status: 400, message });
  });

  test("names the limit of 256 MiB per entry as configured by default", () => {
    const err = caught(() =>
      checkLimits([entry("big.bin", 300 * mib, 200 * mib)], defaultZipLimits),
    );
    expect(err).toMatchObject({
      status: 400,
      message:
        "zip entry big.bin declares 300 MiB, over the 256 MiB limit per entry (plugin.maxEntrySize)",
    });
  });
});
