// Tests of the watchdog: when $WATCHDOG_USEC asks for pings, and their pace on a virtual clock.
import { describe, expect, test } from "bun:test";
import { VirtualClock } from "../../test/support/virtual-clock.ts";
import { startWatchdog, watchdogInterval } from "./watchdog.ts";

describe("watchdogInterval", () => {
  test.each([
    [
      "30 s for this process pings every 15 s",
      { WATCHDOG_USEC: "30000000", WATCHDOG_PID: "42" },
      15_000,
    ],
    ["30 s without WATCHDOG_PID pings every 15 s", { WATCHDOG_USEC: "30000000" }, 15_000],
    [
      "a watchdog for another process is not ours",
      { WATCHDOG_USEC: "30000000", WATCHDOG_PID: "7" },
      undefined,
    ],
    ["no WATCHDOG_USEC means no watchdog", {}, undefined],
    ["a WATCHDOG_USEC of 0 means no watchdog", { WATCHDOG_USEC: "0" }, undefined],
    [
      "a WATCHDOG_USEC that is not a number means no watchdog",
      { WATCHDOG_USEC: "soon" },
      undefined,
    ],
    ["a tiny WATCHDOG_USEC still pings every millisecond", { WATCHDOG_USEC: "1" }, 1],
  ])("%s", (_, env, expected) => {
    expect(watchdogInterval(env, 42)).toBe(expected);
  });
});

describe("startWatchdog", () => {
  test("pings once per interval until it is stopped", () => {
    const clock = new VirtualClock();
    const pings: number[] = [];
    const stop = startWatchdog(() => pings.push(clock.now()), 15_000, clock);
    clock.advance(14_999);
    expect(pings).toEqual([]);
    clock.advance(30_001);
    expect(pings).toEqual([15_000, 30_000, 45_000]);
    stop();
    clock.advance(60_000);
    expect(pings).toEqual([15_000, 30_000, 45_000]);
    expect(clock.pending()).toEqual([]);
  });
});
