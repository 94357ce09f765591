// Tests of reading and writing eKuiper-style durations and sizes.
import { describe, expect, test } from "bun:test";
import { formatDuration, formatSize, parseDuration, parseSize } from "./units.ts";

describe("parseDuration", () => {
  test.each([
    ["500ms", 500],
    ["10s", 10_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1.5s", 1500],
    [250, 250],
  ])("reads %p as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test.each(["", "10", "ten seconds", "5d", "-1s"])("refuses %p", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("parseSize", () => {
  test.each([
    ["256MiB", 256 * 1024 * 1024],
    ["64 KiB", 64 * 1024],
    ["1GiB", 1024 ** 3],
    ["1000", 1000],
    ["2MB", 2_000_000],
    [4096, 4096],
  ])("reads %p as %d bytes", (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  test.each(["", "0", "lots", "5XB", "-3"])("refuses %p", (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});

describe("formatSize", () => {
  test.each([
    [256 * 1024 * 1024, "256 MiB"],
    [2 * 1024 * 1024 * 1024, "2 GiB"],
    [1024, "1 KiB"],
    [1536, "1536 bytes"],
    [1000, "1000 bytes"],
    [0, "0 bytes"],
  ])("writes %d as %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe("formatDuration", () => {
  test.each([
    [10_000, "10s"],
    [300_000, "5m"],
    [3_600_000, "1h"],
    [90_000, "90s"],
    [150, "150ms"],
    [1500, "1500ms"],
  ])("writes %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
