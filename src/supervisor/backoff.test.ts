// Tests of the restart back-off and crash-loop rule, with plain numbers for time.

import { describe, expect, test } from "bun:test";
import { type CrashDecision, formatSpan, RestartBackoff } from "./backoff.ts";

/** Crashes at the given times (ms) of children that never got healthy; returns the decisions. */
function crashAt(backoff: RestartBackoff, times: number[]): CrashDecision[] {
  return times.map((t) => backoff.onCrash(t, 0));
}

const delays = (decisions: CrashDecision[]): (number | string)[] =>
  decisions.map((d) => (d.restart ? d.delayMs : "give up"));

describe("RestartBackoff", () => {
  test("the first restart comes after 500 ms and each further one doubles", () => {
    const backoff = new RestartBackoff({ maxCrashes: 100 });
    expect(delays(crashAt(backoff, [0, 1_000, 3_000, 7_000, 15_000]))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000,
    ]);
  });

  test("the delay is capped at 30 s", () => {
    const backoff = new RestartBackoff({ maxCrashes: 100 });
    const times = Array.from({ length: 9 }, (_, i) => i * 40_000);
    expect(delays(crashAt(backoff, times))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  test("the fifth crash within two minutes gives up with a message saying what to do", () => {
    const backoff = new RestartBackoff();
    const decisions = crashAt(backoff, [0, 1_000, 3_000, 7_000, 15_000]);
    expect(delays(decisions)).toEqual([500, 1_000, 2_000, 4_000, "give up"]);
    expect(decisions[4]).toEqual({
      restart: false,
      message: "gave up after 5 crashes in 2 minutes; update the plugin or restart plugd",
    });
  });

  test("crashes older than the window do not count towards giving up", () => {
    const backoff = new RestartBackoff();
    const decisions = crashAt(backoff, [0, 40_000, 80_000, 120_000, 160_000, 200_000]);
    expect(decisions.every((d) => d.restart)).toBe(true);
  });

  test("a crash after 60 s of healthy running restarts after 500 ms again", () => {
    const backoff = new RestartBackoff();
    crashAt(backoff, [0, 1_000, 3_000, 7_000]);
    expect(backoff.onCrash(80_000, 60_000)).toEqual({ restart: true, delayMs: 500 });
    expect(backoff.onCrash(81_000, 0)).toEqual({ restart: true, delayMs: 1_000 });
  });

  test("a crash after less than 60 s of healthy running keeps doubling", () => {
    const backoff = new RestartBackoff();
    crashAt(backoff, [0, 1_000]);
    expect(backoff.onCrash(70_000, 59_999)).toEqual({ restart: true, delayMs: 2_000 });
  });

  test("a healthy run also clears the crash-loop count", () => {
    const backoff = new RestartBackoff();
    crashAt(backoff, [0, 1_000, 3_000, 7_000]);
    expect(backoff.onCrash(70_000, 60_000).restart).toBe(true);
  });

  test("reset() starts over after a restart the user asked for", () => {
    const backoff = new RestartBackoff();
    crashAt(backoff, [0, 1_000, 3_000, 7_000, 15_000]);
    backoff.reset();
    expect(backoff.onCrash(16_000, 0)).toEqual({ restart: true, delayMs: 500 });
  });

  test("settings are validated and unnamed ones take the defaults", () => {
    expect(() => new RestartBackoff({ maxCrashes: 0 })).toThrow(
      "backoff.maxCrashes must be a positive number, got 0",
    );
    expect(new RestartBackoff({ maxDelayMs: 10_000 }).options).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      resetAfterMs: 60_000,
      maxCrashes: 5,
      crashWindowMs: 120_000,
    });
  });

  test.each([
    [120_000, "2 minutes"],
    [60_000, "1 minute"],
    [90_000, "90 seconds"],
    [1_500, "1500 ms"],
  ])("formatSpan(%p) is %p", (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});
