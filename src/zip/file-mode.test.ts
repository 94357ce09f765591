// Tests for fileModeFor: the permission bits extracted files get.
import { expect, test } from "bun:test";
import { fileModeFor } from "./file-mode.ts";

const cases: [string, number | undefined, number][] = [
  ["no mode (made on Windows)", undefined, 0o644],
  ["0o644", 0o644, 0o644],
  ["0o755", 0o755, 0o755],
  ["0o700 (owner-only program)", 0o700, 0o755],
  ["0o4777 (setuid, world-writable)", 0o4777, 0o755],
  ["0o2755 (setgid)", 0o2755, 0o755],
  ["0o1644 (sticky)", 0o1644, 0o644],
  ["0o666 (world-writable)", 0o666, 0o664],
  ["0o640", 0o640, 0o640],
  ["0o444 (read-only)", 0o444, 0o644],
  ["0o000", 0o000, 0o600],
];

test.each(cases)("a file with %s gets the right mode", (_, mode, expected) => {
  expect(fileModeFor(mode).toString(8)).toBe(expected.toString(8));
});
