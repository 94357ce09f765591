// Tests of stopping and restarting a supervised process on request, with fakes.

import { describe, expect, test } from "bun:test";
import { fakeSupervisor, withoutProcess } from "../../test/support/supervisor-kit.ts";
import { waitFor } from "../../test/support/wait.ts";

describe("supervisor stop and restart", () => {
  test("stop() sends SIGTERM, ends in state stop, and nothing restarts", async () => {
    const { clock, spawner, supervisor } = fakeSupervisor();
    await supervisor.start();
    await supervisor.stop();
    expect(supervisor.status()).toEqual(withoutProcess("stop"));
    // The SIGKILL comes after the exit: it sweeps whatever else was left in the group.
    expect(spawner.last.signals).toEqual(["SIGTERM", "SIGKILL"]);
    expect(spawner.last.alive).toBe(false);
    clock.advance(600_000);
    expect(spawner.processes.length).toBe(1);
  });

  test("stop() falls back to SIGKILL when the grace period ends", async () => {
    const { clock, spawner, supervisor } = fakeSupervisor({ stopGraceMs: 5000 });
    await supervisor.start();
    spawner.last.ignoreSigterm = true;
    const stopped = supervisor.stop();
    await waitFor(() => spawner.last.signals.length === 1, "SIGTERM");
    clock.advance(4999);
    expect(spawner.last.alive).toBe(true);
    clock.advance(1);
    await stopped;
    expect(spawner.last.signals).toEqual(["SIGTERM", "SIGKILL", "SIGKILL"]);
    expect(supervisor.status().status).toBe("stop");
  });

  test("stop() while a restart is pending cancels the restart", async () => {
    const { clock, spawner, supervisor, reaches } = fakeSupervisor();
    await supervisor.start();
    spawner.last.exit(1);
    await reaches("error");
    await supervisor.stop();
    expect(clock.pending()).toEqual([]);
    clock.advance(600_000);
    expect(spawner.processes.length).toBe(1);
    expect(supervisor.status().status).toBe("stop");
  });

  test("stop() before the process is ready rejects the pending start()", async () => {
    const { supervisor } = fakeSupervisor({ onStarted: () => new Promise(() => {}) });
    const started = supervisor.start();
    await supervisor.stop();
    await expect(started).rejects.toThrow("mirror was stopped before it was ready");
  });

  test("restartNow() replaces the process, counts a restart and forgets past crashes", async () => {
    const { clock, spawner, supervisor, reaches } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    spawner.last.exit(1);
    await reaches("error");
    clock.advance(500);
    await reaches("running");
    await supervisor.restartNow();
    expect(spawner.processes.map((p) => p.alive)).toEqual([false, false, true]);
    expect(supervisor.status()).toMatchObject({ status: "running", pid: 1003, restarts: 2 });
    spawner.last.exit(1);
    await reaches("error");
    expect(clock.pending()).toEqual([500]);
  });

  test("restartNow() starts again after the supervisor gave up", async () => {
    const { spawner, supervisor, reaches } = fakeSupervisor({ backoff: { maxCrashes: 1 } });
    await using _ = supervisor;
    await supervisor.start();
    spawner.last.exit(1);
    await reaches("error");
    expect(supervisor.status().errMsg).toStartWith("gave up after 1 crash in 2 minutes");
    await supervisor.restartNow();
    expect(supervisor.status()).toMatchObject({ status: "running", errMsg: "", pid: 1002 });
  });

  test("start() on a started supervisor does not start a second process", async () => {
    const { spawner, supervisor } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    await supervisor.start();
    expect(spawner.processes.length).toBe(1);
  });

  test("start() after stop() starts afresh with the restart count at zero", async () => {
    const { spawner, supervisor } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    await supervisor.restartNow();
    await supervisor.stop();
    await supervisor.start();
    expect(supervisor.status()).toMatchObject({ status: "running", pid: 1003, restarts: 0 });
    expect(spawner.processes.length).toBe(3);
  });
});
