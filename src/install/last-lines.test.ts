// Tests of the bounded tail of a script's output quoted in an error message.

import { describe, expect, test } from "bun:test";
import { LastLines } from "./last-lines.ts";

function tail(lines: string[], maxLines: number, maxBytes: number): string {
  const last = new LastLines(maxLines, maxBytes);
  for (const line of lines) last.push(line);
  return last.text();
}

describe("LastLines", () => {
  test.each([
    ["keeps the last lines by count", ["a", "b", "c", "d"], 2, 100, "c\nd"],
    ["drops older lines that do not fit the bytes", ["aaaa", "bbbb", "cccc"], 10, 9, "bbbb\ncccc"],
    ["cuts the start of a last line too long alone", ["x", "0123456789"], 10, 9, "[…] 789"],
    ["quotes nothing of nothing", [], 10, 100, ""],
  ])("%s", (_name, lines, maxLines, maxBytes, expected) => {
    expect(tail(lines, maxLines, maxBytes)).toBe(expected);
  });

  test("counts bytes, not characters, and never cuts a character in two", () => {
    const text = tail(["é".repeat(100)], 10, 15);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(15);
    expect(text).toBe(`[…] ${"é".repeat(4)}`);
  });
});
