// A portable plugin's helper processes do not outlive a plugd killed with SIGKILL.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../src/log/logger.ts";
import { PluginCgroups } from "../src/supervisor/plugin-cgroups.ts";
import { sendSignal } from "../src/supervisor/spawn.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { expectCleanStop, plugdFromSource, spawnPlugd } from "./support/plugd-process.ts";
import {
  type FixtureBehaviour,
  HELPERS_FILE,
} from "./support/portable-plugins/fixture-behaviour.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { isAlive, waitFor } from "./support/wait.ts";

const fast = "portable:\n  initTimeout: 5s\n  stopTimeout: 500ms\n";

/** A temporary plugd home with `config`, and the command that serves it on port 0. */
function plugdHome(config: string) {
  const home = mkdtempSync(join(tmpdir(), "plugd-helpers-"));
  const command = plugdFromSource(home);
  const written = Bun.write(join(home, "etc", "plugd.yaml"), config);
  return {
    home,
    command,
    written,
    [Symbol.dispose]: () => rmSync(home, { recursive: true, force: true }),
  };
}

async function statusOf(base: string, name: string): Promise<{ status: string; pid: number }> {
  return (await (await fetch(`${base}/plugins/portables/${name}`)).json()) as {
    status: string;
    pid: number;
  };
}

/** Installs a plugin with `behaviour` and returns its pid and its helpers' pids, all alive. */
async function installWithHelpers(
  url: string,
  home: string,
  name: string,
  behaviour: FixtureBehaviour,
): Promise<{ pid: number; helpers: number[] }> {
  await using files = startFileServer({ "/p.zip": portablePluginZip({ name, behaviour }) });
  const res = await fetch(`${url}/plugins/portables`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, file: files.url("/p.zip") }),
  });
  expect(res.status).toBe(201);
  const path = join(home, "plugins", "portable", name, HELPERS_FILE);
  const count = behaviour.spawnHelpers?.count ?? 0;
  let helpers: number[] = [];
  await waitFor(async () => {
    const text = await readFile(path, "utf8").catch(() => "");
    helpers = text
      .split("\n")
      .filter((line) => line !== "")
      .map(Number);
    return helpers.length === count;
  }, "the helpers to be recorded");
  expect(helpers.map(isAlive)).toEqual(helpers.map(() => true));
  return { pid: (await statusOf(url, name)).pid, helpers };
}

/** SIGKILLs whatever helpers a failed test left. */
const reaper = (pids: number[]) => ({
  [Symbol.dispose]: () => {
    for (const pid of pids) if (isAlive(pid)) sendSignal(pid, "SIGKILL");
  },
});

/** Why this machine gives plugd no cgroups, or undefined when it does. */
async function noCgroups(): Promise<string | undefined> {
  using probe = plugdHome("");
  const opened = await PluginCgroups.open({ home: probe.home, logger: silentLogger });
  await opened.cgroups?.close();
  return opened.reason;
}

const cgroupsMissing = await noCgroups();
if (cgroupsMissing !== undefined)
  console.warn(`skipping the cgroup tests of plugin helpers: ${cgroupsMissing}`);

/** Runs a plugin with helpers, kills plugd with SIGKILL, starts it again: the helpers go. */
async function helpersEndedAfterKill(config: string, behaviour: FixtureBehaviour): Promise<void> {
  using home = plugdHome(config);
  await home.written;
  const name = uniquePluginName();
  const helpers: number[] = [];
  using _reaper = reaper(helpers);
  {
    await using first = await spawnPlugd(home.command);
    const started = await installWithHelpers(first.url, home.home, name, behaviour);
    helpers.push(...started.helpers);
    first.proc.kill("SIGKILL");
    await first.exited();
    // The plugin exits when its host goes, as the Go SDK does; its helpers stay behind.
    await waitFor(() => !isAlive(started.pid), "the plugin to exit with its host");
  }
  expect(helpers.map(isAlive)).toEqual(helpers.map(() => true));
  await using second = await spawnPlugd(home.command);
  for (const pid of helpers) await waitFor(() => !isAlive(pid), `helper ${pid} to be ended`);
  await waitFor(
    async () => (await statusOf(second.url, name)).status === "running",
    "the plugin to run again",
  );
  second.proc.kill("SIGTERM");
  await expectCleanStop(second);
}

/** Runs a plugin with helpers and deletes it: the helpers go with it. */
async function helpersEndedByDelete(config: string, behaviour: FixtureBehaviour): Promise<void> {
  using home = plugdHome(config);
  await home.written;
  const name = uniquePluginName();
  const helpers: number[] = [];
  using _reaper = reaper(helpers);
  await using plugd = await spawnPlugd(home.command);
  helpers.push(...(await installWithHelpers(plugd.url, home.home, name, behaviour)).helpers);
  const res = await fetch(`${plugd.url}/plugins/portables/${name}`, { method: "DELETE" });
  expect(res.status).toBe(200);
  for (const pid of helpers) await waitFor(() => !isAlive(pid), `helper ${pid} to be ended`);
  plugd.proc.kill("SIGTERM");
  await expectCleanStop(plugd);
}

const groups = `${fast}  cgroups: false\n`;
const inGroup: FixtureBehaviour = { spawnHelpers: { count: 5 } };
const escaped: FixtureBehaviour = { spawnHelpers: { count: 20, setsid: true } };

describe("a plugin's helpers in process groups (portable.cgroups: false)", () => {
  test(
    "helpers in the plugin's group are ended when plugd starts again after kill -9",
    () => helpersEndedAfterKill(groups, inGroup),
    30_000,
  );

  test(
    "helpers in the plugin's group are ended when the plugin is deleted",
    () => helpersEndedByDelete(groups, inGroup),
    30_000,
  );
});

describe.skipIf(cgroupsMissing !== undefined)("a plugin's helpers in cgroups", () => {
  test(
    "helpers in the plugin's group are ended when plugd starts again after kill -9",
    () => helpersEndedAfterKill(fast, inGroup),
    30_000,
  );

  test(
    "helpers that called setsid are ended when plugd starts again after kill -9",
    () => helpersEndedAfterKill(fast, escaped),
    30_000,
  );

  test(
    "helpers that called setsid are ended when the plugin is deleted",
    () => helpersEndedByDelete(fast, escaped),
    30_000,
  );

  test("plugd says at start which mode it runs plugins in", async () => {
    using home = plugdHome(fast);
    await home.written;
    await using plugd = await spawnPlugd(home.command);
    // The decision is made while plugd serves; a stop waits for it, so the line is in by then.
    plugd.proc.kill("SIGTERM");
    await expectCleanStop(plugd);
    const mode = plugd.logs().find((line) => String(line.msg).startsWith("plugin processes run"));
    expect(mode).toMatchObject({ msg: "plugin processes run in cgroups of their own" });
  });
});
