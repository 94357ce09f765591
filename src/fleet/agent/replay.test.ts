// Replay protection: which signed desired states a gateway accepts after the newest it accepted (pure).
import { describe, expect, test } from "bun:test";
import { replayRefusal } from "./replay.ts";

const a = "a".repeat(64);
const b = "b".repeat(64);
const last = { issued: "2026-12-04T02:00:00.000Z", sha256: b };

describe("replayRefusal", () => {
  test("the first signed state with an issue time is accepted", () => {
    expect(replayRefusal("2026-12-04T01:00:00Z", a, undefined)).toBeUndefined();
  });

  test("a state issued after the last accepted is accepted", () => {
    expect(replayRefusal("2026-12-04T02:00:00.001Z", a, last)).toBeUndefined();
  });

  test("the last accepted state delivered again (a reconnect) is accepted", () => {
    expect(replayRefusal("2026-12-04T02:00:00Z", b, last)).toBeUndefined();
  });

  test.each([
    ["an older issue time", "2026-12-04T01:59:59.999Z"],
    ["the same issue time for another document", "2026-12-04T02:00:00.000Z"],
  ])("%s is refused as a replay, naming the last accepted", (_what, issued) => {
    expect(replayRefusal(issued, a, last)).toBe(
      `refused as a replay: issued ${issued}, not after the desired state last accepted ` +
        "(sha256 bbbbbbbbbbbb…, issued 2026-12-04T02:00:00.000Z); to go back to an older " +
        "document, publish it again (plugd fleet publish --sign gives it a new issue time)",
    );
  });

  test("a signed state without an issue time is refused", () => {
    expect(replayRefusal(undefined, a, undefined)).toStartWith(
      "refused: the signed desired state has no issue time",
    );
  });
});
