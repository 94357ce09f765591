// The error helpers: messages of anything thrown, errno codes, and eKuiper's error bodies.
import { describe, expect, test } from "bun:test";
import { describeError, errnoCode, forbidden, unauthorized } from "./errors.ts";

describe("errors", () => {
  test("describeError gives an error's message or the thrown value as text", () => {
    expect(describeError(new Error("boom"))).toBe("boom");
    expect(describeError("plain")).toBe("plain");
  });

  test("errnoCode reads a system error's code and nothing else", () => {
    expect(errnoCode(Object.assign(new Error("x"), { code: "ENOENT" }))).toBe("ENOENT");
    expect(errnoCode(Object.assign(new Error("x"), { code: 7 }))).toBeUndefined();
    expect(errnoCode("ENOENT")).toBeUndefined();
  });

  test("unauthorized and forbidden answer 401 and 403 in eKuiper's body", () => {
    expect([unauthorized("no token").status, unauthorized("no token").toBody()]).toEqual([
      401,
      { error: 1000, message: "no token" },
    ]);
    expect(forbidden("not yours").status).toBe(403);
  });
});
