// Tests for release(): a large buffer's memory is freed once, small ones are left alone.
import { describe, expect, test } from "bun:test";
import { release } from "./release.ts";

describe("release", () => {
  test("frees a large buffer once, however many views of it are given", () => {
    const bytes = new Uint8Array(64 * 1024).fill(7);
    const view = bytes.subarray(10, 20);
    release([bytes, view, bytes]);
    expect(bytes.buffer.detached).toBe(true);
    expect(bytes.length).toBe(0);
    expect(view.length).toBe(0);
  });

  test("leaves small buffers to the collector, untouched", () => {
    const bytes = new Uint8Array(1024).fill(7);
    release([bytes]);
    expect(bytes.buffer.detached).toBe(false);
    expect(bytes[1023]).toBe(7);
  });

  test("skips a buffer freed already", () => {
    const bytes = new Uint8Array(64 * 1024);
    release([bytes]);
    expect(() => release([bytes])).not.toThrow();
  });
});
