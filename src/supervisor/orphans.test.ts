// Tests of pid files and of killing the processes an earlier plugd left behind.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type FixtureName,
  fixtureCommand,
  temporaryDir,
} from "../../test/support/child-fixtures/fixtures.ts";
import { waitFor } from "../../test/support/wait.ts";
import { createLogger, silentLogger } from "../log/logger.ts";
import { killOrphans, parsePidFile, writePidFile } from "./orphans.ts";
import { isAlive, readProcStat } from "./proc-stat.ts";
import { sendSignal, signalGroup } from "./spawn.ts";

/** Starts a fixture the way plugd does (own group), as if a crashed plugd had left it. */
async function spawnOrphan(name: FixtureName) {
  const proc = Bun.spawn(fixtureCommand(name), {
    stdout: "pipe",
    stderr: "ignore",
    detached: true,
  });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("ready\n")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`${name} ended before it was ready: ${text}`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const dispose = async () => {
    signalGroup(proc.pid, "SIGKILL");
    await proc.exited;
  };
  return { proc, text, [Symbol.asyncDispose]: dispose };
}

describe("orphans", () => {
  test("killOrphans kills a recorded process group that is still alive", async () => {
    await using dir = await temporaryDir();
    await using orphan = await spawnOrphan("grandchild");
    const grandchild = Number(/grandchild (\d+)/.exec(orphan.text)?.[1]);
    const pidFile = join(dir.path, "mirror.pid");
    expect(await writePidFile(pidFile, orphan.proc.pid)).toBe(true);
    const killed = await killOrphans(dir.path, silentLogger);
    expect(killed.toSorted()).toEqual([orphan.proc.pid, grandchild].toSorted());
    await orphan.proc.exited;
    expect(orphan.proc.signalCode).toBe("SIGKILL");
    await waitFor(async () => !(await isAlive(grandchild)), "the grandchild to die");
    expect(existsSync(pidFile)).toBe(false);
  });

  test.each([
    ["its process group", ""],
    ["its session, in groups of their own", "set -m; "],
  ])("the helpers left in %s are killed when the recorded leader is gone", async (_, jobs) => {
    await using dir = await temporaryDir();
    // The leader starts two helpers, prints their pids and exits when its stdin closes.
    const script = `${jobs}sleep 305 & a=$!; sleep 305 & echo $a $!; read _ || exit 0`;
    const leader = Bun.spawn(["/bin/bash", "-c", script], {
      stdin: "pipe",
      stdout: "pipe",
      detached: true,
    });
    const reader = leader.stdout.getReader();
    const first = await reader.read();
    const helpers = new TextDecoder().decode(first.value).trim().split(" ").map(Number);
    await using _helpers = {
      [Symbol.asyncDispose]: async () => {
        for (const pid of helpers) sendSignal(pid, "SIGKILL");
      },
    };
    const pidFile = join(dir.path, "mirror.pid");
    expect(await writePidFile(pidFile, leader.pid)).toBe(true);
    leader.stdin.end();
    expect(await leader.exited).toBe(0);
    expect(await Promise.all(helpers.map(isAlive))).toEqual([true, true]);
    expect((await killOrphans(dir.path, silentLogger)).toSorted()).toEqual(helpers.toSorted());
    for (const pid of helpers) await waitFor(async () => !(await isAlive(pid)), `helper ${pid}`);
    expect(existsSync(pidFile)).toBe(false);
  });

  test("a recycled pid (another start time) is not killed, and its file is removed", async () => {
    await using dir = await temporaryDir();
    await using stranger = await spawnOrphan("forever");
    const stat = await readProcStat(stranger.proc.pid);
    const pidFile = join(dir.path, "mirror.pid");
    await writeFile(pidFile, `${stranger.proc.pid} ${(stat?.startTime ?? 0) + 1}\n`);
    expect(await killOrphans(dir.path, silentLogger)).toEqual([]);
    expect(await isAlive(stranger.proc.pid)).toBe(true);
    expect(existsSync(pidFile)).toBe(false);
  });

  test("a pid file of a process that is gone is removed", async () => {
    await using dir = await temporaryDir();
    const gone = Bun.spawn(fixtureCommand("exit-3"), { stderr: "ignore" });
    await gone.exited;
    await writeFile(join(dir.path, "gone.pid"), `${gone.pid} 12345\n`);
    expect(await killOrphans(dir.path, silentLogger)).toEqual([]);
    expect(existsSync(join(dir.path, "gone.pid"))).toBe(false);
  });

  test("a malformed pid file is removed with a warning", async () => {
    await using dir = await temporaryDir();
    const logged: string[] = [];
    const logger = createLogger({ sink: (line) => logged.push(line) });
    await writeFile(join(dir.path, "bad.pid"), "not a pid\n");
    await writeFile(join(dir.path, "notes.txt"), "kept\n");
    expect(await killOrphans(dir.path, logger)).toEqual([]);
    expect(existsSync(join(dir.path, "bad.pid"))).toBe(false);
    expect(existsSync(join(dir.path, "notes.txt"))).toBe(true);
    expect(logged.map((line) => JSON.parse(line).msg)).toEqual(["ignoring a malformed pid file"]);
  });

  test("a missing pid directory means there are no orphans", async () => {
    await using dir = await temporaryDir();
    expect(await killOrphans(join(dir.path, "no-such-dir"), silentLogger)).toEqual([]);
  });

  test("writePidFile records pid and start time, creating directories", async () => {
    await using dir = await temporaryDir();
    const pidFile = join(dir.path, "data", "pids", "self.pid");
    expect(await writePidFile(pidFile, process.pid)).toBe(true);
    const stat = await readProcStat(process.pid);
    expect(parsePidFile(await readFile(pidFile, "utf8"))).toEqual({
      pid: process.pid,
      startTime: stat?.startTime ?? -1,
    });
  });

  test("writePidFile writes nothing for a process that is gone", async () => {
    await using dir = await temporaryDir();
    const gone = Bun.spawn(fixtureCommand("exit-3"), { stderr: "ignore" });
    await gone.exited;
    expect(await writePidFile(join(dir.path, "gone.pid"), gone.pid)).toBe(false);
    expect(existsSync(join(dir.path, "gone.pid"))).toBe(false);
  });

  test.each([
    ["1234 5678\n", { pid: 1234, startTime: 5678 }],
    ["1234 5678", { pid: 1234, startTime: 5678 }],
    ["1234\n", null],
    ["-1 5\n", null],
    ["", null],
  ])("parsePidFile reads %j as %j", (text, record) => {
    expect(parsePidFile(text)).toEqual(record);
  });
});
