// Tests of splitting byte chunks into lines.

import { describe, expect, test } from "bun:test";
import { LineSplitter, truncationMark } from "./line-splitter.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Feeds `chunks` to a splitter with cap `max` and returns the lines it emitted. */
function split(chunks: (string | Uint8Array)[], max = 100, end = true): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter(max, (line) => lines.push(line));
  for (const chunk of chunks) splitter.push(typeof chunk === "string" ? bytes(chunk) : chunk);
  if (end) splitter.end();
  return lines;
}

describe("LineSplitter", () => {
  test.each([
    ["one line per newline", ["a\nb\n"], ["a", "b"]],
    ["a line split across chunks is joined", ["he", "llo\nwor", "ld\n"], ["hello", "world"]],
    ["\\r\\n ends a line like \\n", ["a\r\nb\r", "\nc\n"], ["a", "b", "c"]],
    ["empty lines are kept", ["\n\nx\n"], ["", "", "x"]],
    ["a last line without newline comes out at the end", ["a\nlast"], ["a", "last"]],
    ["a \\r inside a line is kept", ["a\rb\n"], ["a\rb"]],
  ])("%s", (_name, chunks, lines) => {
    expect(split(chunks)).toEqual(lines);
  });

  test("a line without newline is held until the stream ends", () => {
    expect(split(["a\npartial"], 100, false)).toEqual(["a"]);
  });

  test("a multi-byte character split across chunks is decoded whole", () => {
    const euro = bytes("€\n");
    expect(split([euro.slice(0, 1), euro.slice(1)])).toEqual(["€"]);
  });

  test("a very long line is cut at the cap and the rest of it dropped", () => {
    const lines = split(["abcdef", "ghij", "klm\nnext\n"], 8);
    expect(lines).toEqual([`abcdefgh${truncationMark}`, "next"]);
  });

  test("a line exactly at the cap followed by \\r\\n is not cut", () => {
    expect(split(["abcd\r", "\nefgh\r\n"], 4)).toEqual(["abcd", "efgh"]);
  });
});
