// Tests of one child process with real programs: output, exit, stop, group kill, pid file.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type FixtureName,
  fixtureCommand,
  fixturesDir,
  temporaryDir,
  waitForLine,
} from "../../test/support/child-fixtures/fixtures.ts";
import { waitFor } from "../../test/support/wait.ts";
import { createLogger, type Logger, silentLogger } from "../log/logger.ts";
import { ChildProcess } from "./child-process.ts";
import { parsePidFile } from "./orphans.ts";
import { isAlive, readProcStat } from "./proc-stat.ts";

function startFixture(name: FixtureName, options: { logger?: Logger; pidFile?: string } = {}) {
  const child = new ChildProcess({
    name,
    command: fixtureCommand(name),
    cwd: fixturesDir,
    env: {},
    logger: options.logger ?? silentLogger,
    pidFile: options.pidFile,
  });
  child.start();
  return child;
}

/** Orders stderr before stdout and keeps each stream's own order (the sort is stable). */
const byStream = (a: { stream: string }, b: { stream: string }) => a.stream.localeCompare(b.stream);

const ready = (child: ChildProcess) => waitForLine(child.output, (line) => line.text === "ready");

/** The pid the grandchild fixture reports for its own child. */
async function grandchildPid(child: ChildProcess): Promise<number> {
  const line = await waitForLine(child.output, (l) => l.text.startsWith("grandchild "));
  await ready(child);
  return Number(line.text.split(" ")[1]);
}

describe("ChildProcess", () => {
  test("a child leads its own process group", async () => {
    await using child = startFixture("forever");
    expect((await readProcStat(child.pid))?.pgrp).toBe(child.pid);
  });

  test("stdout and stderr lines are kept and logged under the child's name", async () => {
    const records: unknown[] = [];
    const logger = createLogger({ sink: (line) => records.push(JSON.parse(line)) });
    await using child = startFixture("forever", { logger });
    // The two streams are separate pipes: wait for the last line of each.
    await ready(child);
    await waitForLine(child.output, (line) => line.stream === "stderr");
    expect(
      child.output
        .tail(10)
        .map(({ stream, text }) => ({ stream, text }))
        .sort(byStream),
    ).toEqual([
      { stream: "stderr", text: "stderr line" },
      { stream: "stdout", text: "stdout line 1" },
      { stream: "stdout", text: "stdout line 2" },
      { stream: "stdout", text: "ready" },
    ]);
    expect(records).toContainEqual(
      expect.objectContaining({
        level: "info",
        plugin: "forever",
        stream: "stderr",
        msg: "stderr line",
      }),
    );
  });

  test("a child that exits with code 3 reports the code and its last lines", async () => {
    const child = startFixture("exit-3");
    expect(await child.exited).toEqual({ code: 3, signal: null });
    expect(child.lastLines()).toEqual(["cannot open config"]);
    expect(child.running).toBe(false);
  });

  test("a child that crashes reports the signal and the lines it printed first", async () => {
    const child = startFixture("crash");
    expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(child.lastLines().sort()).toEqual(["crash line 1", "crash line 2", "crash line 3"]);
  });

  test("stop() ends a child with SIGTERM", async () => {
    const child = startFixture("forever");
    await ready(child);
    expect(await child.stop(10_000)).toEqual({ code: null, signal: "SIGTERM" });
    expect(await isAlive(child.pid)).toBe(false);
  });

  test("a child that ignores SIGTERM is killed with SIGKILL after the grace period", async () => {
    const child = startFixture("ignore-term");
    await ready(child);
    expect(await child.stop(500)).toEqual({ code: null, signal: "SIGKILL" });
    expect(child.lastLines()).toEqual(["ready", "ignoring SIGTERM"]);
  });

  test("stop() also kills a grandchild that ignores SIGTERM", async () => {
    const child = startFixture("grandchild");
    const grandchild = await grandchildPid(child);
    await child.stop(300);
    await waitFor(async () => !(await isAlive(grandchild)), "the grandchild to die");
  });

  test("a grandchild is killed when its parent exits on its own", async () => {
    const child = startFixture("grandchild");
    const grandchild = await grandchildPid(child);
    process.kill(child.pid, "SIGUSR2");
    expect(await child.exited).toEqual({ code: 7, signal: null });
    await waitFor(async () => !(await isAlive(grandchild)), "the grandchild to die");
  });

  test("the pid file records the child while it runs and is removed when it exits", async () => {
    await using dir = await temporaryDir();
    const pidFile = join(dir.path, "pids", "forever.pid");
    const child = startFixture("forever", { pidFile });
    await waitFor(() => existsSync(pidFile), "the pid file");
    const stat = await readProcStat(child.pid);
    expect(parsePidFile(await readFile(pidFile, "utf8"))).toEqual({
      pid: child.pid,
      startTime: stat?.startTime ?? -1,
    });
    await child.stop(10_000);
    expect(existsSync(pidFile)).toBe(false);
  });

  test("a program that does not exist cannot be started", () => {
    const child = new ChildProcess({
      name: "missing",
      command: [join(fixturesDir, "no-such-program")],
      cwd: fixturesDir,
      env: {},
      logger: silentLogger,
    });
    expect(() => child.start()).toThrow();
    expect(child.pid).toBe(0);
  });
});
