// The boundary of a multipart Content-Type: read from its parameters, refused when unusable.
import { describe, expect, test } from "bun:test";
import { boundaryOf } from "./part-headers.ts";

describe("boundaryOf", () => {
  test.each([
    ["multipart/form-data; boundary=abc", "abc"],
    ['multipart/form-data; charset=utf-8; boundary="a b:c"', "a b:c"],
    [
      "multipart/form-data;BOUNDARY=----WebKitFormBoundary7MA4YWxkTrZu0gW",
      "----WebKitFormBoundary7MA4YWxkTrZu0gW",
    ],
  ])("reads %s", (type, boundary) => {
    expect(boundaryOf(type)).toBe(boundary);
  });

  test.each([
    ["multipart/form-data", "has no boundary"],
    ["multipart/form-data; charset=utf-8", "has no boundary"],
    ['multipart/form-data; boundary=""', "is not 1 to 70 allowed characters"],
    [`multipart/form-data; boundary=${"b".repeat(71)}`, "is not 1 to 70 allowed characters"],
    ['multipart/form-data; boundary="ends in space "', "is not 1 to 70 allowed characters"],
    ["multipart/form-data; boundary=a\\b", "is not 1 to 70 allowed characters"],
    ["multipart/form-data; boundary", "parameters are malformed"],
  ])("refuses %s with 400", (type, message) => {
    expect(() => boundaryOf(type)).toThrow(message);
  });
});
