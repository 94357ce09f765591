// Tests of the virtual clock that drives back-off tests.

import { describe, expect, test } from "bun:test";
import { realClock } from "../src/supervisor/clock.ts";
import { VirtualClock } from "./support/virtual-clock.ts";

describe("VirtualClock", () => {
  test("advance runs due timers in due order with now() at each due time", () => {
    const clock = new VirtualClock(1000);
    const runs: string[] = [];
    clock.setTimeout(() => runs.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => runs.push(`a@${clock.now()}`), 100);
    clock.setTimeout(() => runs.push(`c@${clock.now()}`), 200);
    clock.setTimeout(() => runs.push("late"), 301);
    clock.advance(300);
    expect(runs).toEqual(["a@1100", "b@1200", "c@1200"]);
    expect(clock.now()).toBe(1300);
    expect(clock.pending()).toEqual([1]);
  });

  test("a timer set by a timer runs in the same advance if it falls due", () => {
    const clock = new VirtualClock();
    const runs: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => runs.push(clock.now()), 50), 50);
    clock.advance(100);
    expect(runs).toEqual([100]);
  });

  test("a cleared timer never runs", () => {
    const clock = new VirtualClock();
    let ran = false;
    const handle = clock.setTimeout(() => {
      ran = true;
    }, 10);
    clock.clearTimeout(handle);
    clock.advance(100);
    expect(ran).toBe(false);
    expect(clock.pending()).toEqual([]);
  });
});

describe("realClock", () => {
  test("a cleared timer never runs and a kept one does", async () => {
    const done = Promise.withResolvers<string>();
    const cleared = realClock.setTimeout(() => done.resolve("cleared"), 0);
    realClock.clearTimeout(cleared);
    realClock.setTimeout(() => done.resolve("kept"), 0);
    expect(await done.promise).toBe("kept");
  });
});
