// Tests of the ring of recent output lines and its listeners.

import { describe, expect, test } from "bun:test";
import { OutputBuffer, type OutputLine } from "./output-buffer.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("OutputBuffer", () => {
  test("a writer turns chunks into numbered lines of its stream", () => {
    const buffer = new OutputBuffer();
    const out = buffer.writer("stdout");
    const err = buffer.writer("stderr");
    out.write(bytes("one\ntw"));
    err.write(bytes("oops\n"));
    out.write(bytes("o\n"));
    expect(buffer.tail(10)).toEqual([
      { seq: 0, stream: "stdout", text: "one" },
      { seq: 1, stream: "stderr", text: "oops" },
      { seq: 2, stream: "stdout", text: "two" },
    ]);
  });

  test("only the last 1,000 lines are kept", () => {
    const buffer = new OutputBuffer();
    for (let i = 0; i < 1500; i++) buffer.append("stdout", `line ${i}`);
    const all = buffer.tail(5000);
    expect(all.length).toBe(1000);
    expect(all[0]).toEqual({ seq: 500, stream: "stdout", text: "line 500" });
    expect(all[999]).toEqual({ seq: 1499, stream: "stdout", text: "line 1499" });
  });

  test("tail(n) gives the last n lines, oldest first", () => {
    const buffer = new OutputBuffer({ capacity: 4 });
    for (const text of ["a", "b", "c", "d", "e", "f"]) buffer.append("stdout", text);
    expect(buffer.tail(3).map((l) => l.text)).toEqual(["d", "e", "f"]);
    expect(buffer.tail(0)).toEqual([]);
  });

  test("since(seq) gives the lines from a point on that are still held", () => {
    const buffer = new OutputBuffer({ capacity: 3 });
    for (const text of ["a", "b", "c", "d"]) buffer.append("stdout", text);
    expect(buffer.since(2).map((l) => l.text)).toEqual(["c", "d"]);
    expect(buffer.since(0).map((l) => l.text)).toEqual(["b", "c", "d"]);
    expect(buffer.since(buffer.nextSeq)).toEqual([]);
  });

  test("subscribers hear new lines until they unsubscribe", () => {
    const buffer = new OutputBuffer();
    const heard: OutputLine[] = [];
    const unsubscribe = buffer.subscribe((line) => heard.push(line));
    buffer.writer("stderr").write(bytes("x\ny\n"));
    unsubscribe();
    buffer.append("stdout", "z");
    expect(heard).toEqual([
      { seq: 0, stream: "stderr", text: "x" },
      { seq: 1, stream: "stderr", text: "y" },
    ]);
  });

  test("a subscriber that throws is removed and reported, and others still hear lines", () => {
    const errors: unknown[] = [];
    const buffer = new OutputBuffer({ onListenerError: (e) => errors.push(e) });
    const heard: string[] = [];
    buffer.subscribe(() => {
      throw new Error("broken follower");
    });
    buffer.subscribe((line) => heard.push(line.text));
    buffer.append("stdout", "a");
    buffer.append("stdout", "b");
    expect(heard).toEqual(["a", "b"]);
    expect(errors).toEqual([new Error("broken follower")]);
  });

  test("a writer's onLine hears each line after it is stored", () => {
    const buffer = new OutputBuffer();
    const stored: boolean[] = [];
    buffer
      .writer("stdout", (line) => stored.push(buffer.tail(1)[0] === line))
      .write(bytes("a\nb\n"));
    expect(stored).toEqual([true, true]);
  });
});
