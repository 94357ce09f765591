// Tests of the words errMsg uses for a process that stopped.

import { describe, expect, test } from "bun:test";
import { describeExit, withLastLines } from "./exit-reason.ts";

describe("exit reasons", () => {
  test.each([
    [{ code: 3, signal: null }, "exited with code 3"],
    [{ code: null, signal: "SIGKILL" }, "killed by signal SIGKILL"],
    [{ code: null, signal: null }, "exited with code unknown"],
  ])("describeExit(%p) is %p", (result, text) => {
    expect(describeExit(result)).toBe(text);
  });

  test("the last lines follow the reason, one per line", () => {
    expect(withLastLines("exited with code 3", ["a", "b"])).toBe("exited with code 3: a\nb");
    expect(withLastLines("exited with code 3", [])).toBe("exited with code 3");
  });

  test("very long output keeps its end", () => {
    const message = withLastLines("killed by signal SIGKILL", ["x".repeat(5000), "the end"]);
    expect(message.length).toBeLessThan(2100);
    expect(message).toStartWith("killed by signal SIGKILL: …x");
    expect(message).toEndWith("x\nthe end");
  });
});
