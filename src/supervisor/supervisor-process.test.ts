// Tests of the supervisor with real child programs, and a virtual clock for the back-off.

import { describe, expect, test } from "bun:test";
import {
  type FixtureName,
  fixtureCommand,
  fixturesDir,
  waitForLine,
} from "../../test/support/child-fixtures/fixtures.ts";
import { VirtualClock } from "../../test/support/virtual-clock.ts";
import { waitFor } from "../../test/support/wait.ts";
import { silentLogger } from "../log/logger.ts";
import { isAlive } from "./proc-stat.ts";
import { createSupervisor } from "./supervisor.ts";
import type { Supervisor, SupervisorStatus } from "./supervisor-api.ts";

function supervise(name: FixtureName, clock: VirtualClock): Supervisor {
  return createSupervisor({
    name,
    command: fixtureCommand(name),
    cwd: fixturesDir,
    env: {},
    logger: silentLogger,
    clock,
  });
}

const reaches = (supervisor: Supervisor, status: SupervisorStatus) =>
  waitFor(() => supervisor.status().status === status, `status ${status}`);

describe("supervisor with real processes", () => {
  test("a crash is seen at once, its last lines are in errMsg and a new process follows", async () => {
    const clock = new VirtualClock();
    await using supervisor = supervise("crash", clock);
    await supervisor.start();
    const firstPid = supervisor.child?.pid ?? 0;
    await reaches(supervisor, "error");
    const { errMsg } = supervisor.status();
    expect(errMsg).toStartWith("killed by signal SIGKILL: ");
    expect(errMsg.split(": ")[1]?.split("\n").sort()).toEqual([
      "crash line 1",
      "crash line 2",
      "crash line 3",
    ]);
    expect(clock.pending()).toEqual([500]);
    clock.advance(500);
    expect(supervisor.child?.pid).not.toBe(firstPid);
    expect(supervisor.status().restarts).toBe(1);
  });

  test("a program that exits with code 3 at once is given up after five tries", async () => {
    const clock = new VirtualClock();
    await using supervisor = supervise("exit-3", clock);
    // Without onStarted a process counts as ready at spawn; the exit follows at once.
    await supervisor.start();
    for (let restart = 1; restart <= 4; restart++) {
      await reaches(supervisor, "error");
      clock.advance(clock.pending()[0] ?? 0);
      await waitFor(() => supervisor.status().restarts === restart, `restart ${restart}`);
    }
    await waitFor(() => supervisor.status().errMsg.startsWith("gave up"), "giving up");
    expect(supervisor.status()).toEqual({
      status: "error",
      errMsg:
        "gave up after 5 crashes in 2 minutes; update the plugin or restart plugd; " +
        "last failure: exited with code 3: cannot open config",
      pid: 0,
      restarts: 4,
      startedAt: null,
    });
  });

  test("stop() ends the process and its SIGTERM-ignoring grandchild, and none restarts", async () => {
    const clock = new VirtualClock();
    await using supervisor = supervise("grandchild", clock);
    await supervisor.start();
    const child = supervisor.child;
    if (child === null) throw new Error("no child after start");
    const line = await waitForLine(supervisor.output, (l) => l.text.startsWith("grandchild "));
    await waitForLine(supervisor.output, (l) => l.text === "ready");
    await supervisor.stop();
    expect(await isAlive(child.pid)).toBe(false);
    await waitFor(async () => !(await isAlive(Number(line.text.split(" ")[1]))), "grandchild");
    expect(supervisor.status()).toMatchObject({ status: "stop", pid: 0 });
    expect(clock.pending()).toEqual([]);
  });
});
