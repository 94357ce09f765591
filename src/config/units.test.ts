// Tests of reading and writing eKuiper-style durations and sizes.
import { describe, expect, test } from "bun:test";
import { formatDuration, formatSize, parseDuration, parseSize } from "./units.ts";

type Parse = (value: string | number) => number | undefined;

const parsers: [string, Parse, [string | number, number][], string[]][] = [
  [
    "parseDuration, in ms",
    parseDuration,
    [
      ["500ms", 500],
      ["10s", 10_000],
      ["5m", 300_000],
      ["1h", 3_600_000],
      ["1.5s", 1500],
      [250, 250],
    ],
    ["", "10", "ten seconds", "5d", "-1s"],
  ],
  [
    "parseSize, in bytes",
    parseSize,
    [
      ["256MiB", 256 * 1024 * 1024],
      ["64 KiB", 64 * 1024],
      ["1GiB", 1024 ** 3],
      ["1000", 1000],
      ["2MB", 2_000_000],
      [4096, 4096],
    ],
    ["", "0", "lots", "5XB", "-3"],
  ],
];

describe.each(parsers)("%s", (_, parse, readings, refused) => {
  test.each(readings)("reads %p as %d", (text, value) => {
    expect(parse(text)).toBe(value);
  });

  test.each(refused)("refuses %p", (text) => {
    expect(parse(text)).toBeUndefined();
  });
});

const formatters: [string, (value: number) => string, [number, string][]][] = [
  [
    "formatSize",
    formatSize,
    [
      [256 * 1024 * 1024, "256 MiB"],
      [2 * 1024 * 1024 * 1024, "2 GiB"],
      [1024, "1 KiB"],
      [1536, "1536 bytes"],
      [1000, "1000 bytes"],
      [0, "0 bytes"],
    ],
  ],
  [
    "formatDuration",
    formatDuration,
    [
      [10_000, "10s"],
      [300_000, "5m"],
      [3_600_000, "1h"],
      [90_000, "90s"],
      [150, "150ms"],
      [1500, "1500ms"],
    ],
  ],
];

describe.each(formatters)("%s", (_, format, writings) => {
  test.each(writings)("writes %d as %s", (value, text) => {
    expect(format(value)).toBe(text);
  });
});
