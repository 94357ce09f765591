// Tests of reading /proc/<pid>/stat.

import { describe, expect, test } from "bun:test";
import { isAlive, parseProcStat, readProcStat } from "./proc-stat.ts";

/** A stat line with the given command name; the fields after it are from a real process. */
const statLine = (comm: string) =>
  `4242 (${comm}) S 1 4242 4241 0 -1 4194560 240 0 0 0 1 0 0 0 20 0 1 0 987654 1 2 3\n`;

describe("proc-stat", () => {
  test("state, process group, session and start time are read from their fields", () => {
    expect(parseProcStat(statLine("mirror"))).toEqual({
      state: "S",
      pgrp: 4242,
      session: 4241,
      startTime: 987654,
    });
  });

  test("a command name with spaces and parentheses does not shift the fields", () => {
    expect(parseProcStat(statLine("a b) S 9 9 (c"))).toEqual({
      state: "S",
      pgrp: 4242,
      session: 4241,
      startTime: 987654,
    });
  });

  test("text in another shape is not a stat", () => {
    expect(parseProcStat("garbage")).toBeNull();
  });

  test("a running process is alive and a pid beyond pid_max has no stat", async () => {
    expect(await isAlive(process.pid)).toBe(true);
    expect((await readProcStat(process.pid))?.startTime).toBeGreaterThan(0);
    expect(await readProcStat(2 ** 22 + 1)).toBeNull();
    expect(await isAlive(2 ** 22 + 1)).toBe(false);
  });
});
