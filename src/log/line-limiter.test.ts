// Tests of the token bucket between a child's output and plugd's log, on a virtual clock.

import { describe, expect, test } from "bun:test";
import { VirtualClock } from "../../test/support/virtual-clock.ts";
import { LineLimiter } from "./line-limiter.ts";
import { createLogger } from "./logger.ts";

/** A limiter of 10 lines a second, bursts of 5, whose log lands in `records`. */
function limiter() {
  const records: { level: string; msg: string; dropped?: number }[] = [];
  const logger = createLogger({ sink: (line) => records.push(JSON.parse(line)) });
  const clock = new VirtualClock();
  const lines = new LineLimiter({ logger, clock, source: "plugin p", perSecond: 10, burst: 5 });
  const print = (n: number) => {
    for (let i = 0; i < n; i++) lines.info(`line ${i}`, { stream: "stdout" });
  };
  const messages = () => records.map((r) => r.msg);
  return { lines, clock, print, records, messages };
}

describe("LineLimiter", () => {
  test("lets a burst through, drops the rest and says how many a second later", () => {
    const { clock, print, messages } = limiter();
    print(8);
    expect(messages()).toEqual(["line 0", "line 1", "line 2", "line 3", "line 4"]);
    clock.advance(999);
    expect(messages()).toHaveLength(5);
    clock.advance(1);
    expect(messages().slice(5)).toEqual(["dropped 3 lines of output from plugin p"]);
  });

  test("refills at the rate: 100 ms earns one line at 10 a second", () => {
    const { clock, print, messages } = limiter();
    print(5);
    clock.advance(100);
    print(2);
    expect(messages()).toEqual(["line 0", "line 1", "line 2", "line 3", "line 4", "line 0"]);
  });

  test("while a flood goes on, the drops are reported once a second, the bucket capped at the burst", () => {
    const { clock, print, records } = limiter();
    for (let second = 0; second < 3; second++) {
      print(100);
      clock.advance(1000);
    }
    const reports = records.filter((r) => r.dropped !== undefined);
    expect(reports.map((r) => [r.level, r.dropped])).toEqual([
      ["warn", 95],
      ["warn", 95],
      ["warn", 95],
    ]);
  });

  test("close reports what is left at once and cancels the pending report", () => {
    const { lines, clock, print, messages } = limiter();
    print(7);
    lines.close();
    expect(messages().at(-1)).toBe("dropped 2 lines of output from plugin p");
    expect(clock.pending()).toEqual([]);
  });

  test("nothing dropped, nothing reported", () => {
    const { lines, print, messages } = limiter();
    print(3);
    lines.close();
    expect(messages()).toEqual(["line 0", "line 1", "line 2"]);
  });
});
