// Tests of plugin cgroups on the real cgroup v2 hierarchy; skipped where plugd may make none.

import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { temporaryDir } from "../../test/support/child-fixtures/fixtures.ts";
import { isAlive, waitFor } from "../../test/support/wait.ts";
import { createLogger, silentLogger } from "../log/logger.ts";
import { cgroupPids } from "./cgroup.ts";
import { PluginCgroups } from "./plugin-cgroups.ts";

/** Opens the cgroups of a fresh home; the returned value closes them. */
async function open(home: string, logger = silentLogger) {
  const opened = await PluginCgroups.open({ home, logger, limits: { pidsMax: 64 } });
  if (opened.cgroups === undefined) throw new Error(opened.reason);
  const cgroups = opened.cgroups;
  return { cgroups, [Symbol.asyncDispose]: () => cgroups.close() };
}

/** Runs three `setsid sleep 305` helpers in `cgroup` and returns every pid in it. */
async function escapees(cgroups: PluginCgroups): Promise<{ dir: string; pids: number[] }> {
  const cgroup = cgroups.create("mirror");
  const script = "for i in 1 2 3; do setsid sleep 305 & done; echo ready; exec sleep 305";
  const proc = Bun.spawn(cgroup.wrap(["/bin/sh", "-c", script]), { stdout: "pipe" });
  await proc.stdout.getReader().read();
  let pids: number[] = [];
  await waitFor(async () => {
    pids = (await cgroupPids(cgroup.dir)) ?? [];
    return pids.length === 4;
  }, "four processes in the cgroup");
  return { dir: cgroup.dir, pids };
}

const probe = await temporaryDir();
const unavailable = (await PluginCgroups.open({ home: probe.path, logger: silentLogger })).reason;
await probe[Symbol.asyncDispose]();
if (unavailable !== undefined) console.warn(`skipping the plugin cgroup tests: ${unavailable}`);

describe.skipIf(unavailable !== undefined)("PluginCgroups", () => {
  test("kill ends every process of a cgroup, setsid ones too, and removes it", async () => {
    await using home = await temporaryDir();
    await using opened = await open(home.path);
    const { dir, pids } = await escapees(opened.cgroups);
    await opened.cgroups.create("other").kill();
    const cgroup = opened.cgroups.create("again");
    await cgroup.kill();
    expect(existsSync(cgroup.dir)).toBe(false);
    await opened.cgroups.close();
    for (const pid of pids) await waitFor(() => !isAlive(pid), `process ${pid} to end`);
    expect(existsSync(dir)).toBe(false);
  });

  test("open ends the cgroups an earlier plugd left for the same home, not another's", async () => {
    await using home = await temporaryDir();
    await using other = await temporaryDir();
    const earlier = await open(home.path);
    await using others = await open(other.path);
    const left = await escapees(earlier.cgroups);
    const kept = await escapees(others.cgroups);
    const logged: string[] = [];
    await using _again = await open(home.path, createLogger({ sink: (l) => logged.push(l) }));
    for (const pid of left.pids) await waitFor(() => !isAlive(pid), `process ${pid} to end`);
    expect(kept.pids.map(isAlive)).toEqual([true, true, true, true]);
    const ended = logged.map((line) => JSON.parse(line)).filter((line) => line.cgroup === left.dir);
    expect(ended).toEqual([
      expect.objectContaining({
        msg: "ended a plugin cgroup left by an earlier run",
        pids: left.pids,
      }),
    ]);
  });

  test("a limit is written where its controller can be enabled, else a warning says so", async () => {
    await using home = await temporaryDir();
    const logged: string[] = [];
    await using opened = await open(home.path, createLogger({ sink: (l) => logged.push(l) }));
    const cgroup = opened.cgroups.create("limited");
    const pidsMax = Bun.file(`${cgroup.dir}/pids.max`);
    if (await pidsMax.exists()) expect(await pidsMax.text()).toBe("64\n");
    else
      expect(logged.map((line) => JSON.parse(line).msg)).toEqual([
        "no pids controller in plugd's cgroup; portable.pidsMax is not applied",
      ]);
    await cgroup.kill();
  });
});
