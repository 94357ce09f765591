// Orphans: a plugin process left running by a SIGKILLed host is ended before its successor starts.

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { portableHome } from "../../test/support/portable-plugins/fixture-plugin.ts";
import {
  fixtureHarness,
  type Harness,
} from "../../test/support/portable-plugins/plugin-harness.ts";
import { isAlive, waitFor } from "../../test/support/wait.ts";
import type { PortablePluginOptions } from "./portable-plugin.ts";

/** Real processes start slowly on a loaded machine; bunfig's test timeout is not applied. */
const SLOW = { timeout: 20_000 };

const hostFixture = join(import.meta.dir, "../../test/support/portable-plugins/host-fixture.ts");

/**
 * Runs the plugin of `h` under a separate host process, SIGKILLs that host and returns the
 * pid of the plugin process it leaves behind (its REQ resend keeps it redialing, like mirror2).
 * Disposing kills whatever is left, so a failing test leaves no process behind.
 */
async function orphanOf(h: Harness, pidFile?: string): Promise<{ pid: number } & AsyncDisposable> {
  const args = [process.execPath, hostFixture, h.dir, ...(pidFile === undefined ? [] : [pidFile])];
  const host = Bun.spawn(args, { stdout: "pipe", stderr: "inherit" });
  const orphan = { pid: 0 };
  const dispose = async () => {
    host.kill("SIGKILL");
    if (orphan.pid > 0 && isAlive(orphan.pid)) process.kill(-orphan.pid, "SIGKILL");
  };
  let out = "";
  for await (const chunk of host.stdout) {
    out += new TextDecoder().decode(chunk);
    if (out.includes("\n")) break;
  }
  orphan.pid = Number(/^ready (\d+)/.exec(out)?.[1]);
  host.kill("SIGKILL");
  await host.exited;
  expect(isAlive(orphan.pid)).toBe(true);
  return { pid: orphan.pid, [Symbol.asyncDispose]: dispose };
}

async function successorWorks(h: Harness, orphan: number): Promise<void> {
  await h.plugin.start();
  expect(isAlive(orphan)).toBe(false);
  expect(h.plugin.status().pid).not.toBe(orphan);
  expect(await h.plugin.callFunction(h.fn, "Exec", ["after"])).toEqual({
    state: true,
    result: "after",
  });
  expect(
    h.logs.some((r) => r.msg === "killing a process of this plugin left by an earlier run"),
  ).toBe(true);
}

async function harness(overrides: Partial<PortablePluginOptions> = {}): Promise<Harness> {
  return fixtureHarness({ behaviour: { resendMs: 100 } }, overrides);
}

describe("PortablePlugin orphans", () => {
  test(
    "an orphan found by its folder and command line is killed before the plugin starts again",
    async () => {
      await using h = await harness();
      await using orphan = await orphanOf(h);
      await successorWorks(h, orphan.pid);
    },
    SLOW,
  );

  test(
    "an orphan recorded in the pid file is killed even with the folder scan off",
    async () => {
      await using pids = await portableHome();
      const pidFile = join(pids.path, "plugin.pid");
      await using h = await harness({ pidFile, sweepOrphans: false });
      await using orphan = await orphanOf(h, pidFile);
      await waitFor(async () => (await Bun.file(pidFile).exists()) === true, "the host's pid file");
      await successorWorks(h, orphan.pid);
    },
    SLOW,
  );
});
