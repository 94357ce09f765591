// Tests of the supervisor's states and restart policy, with fake processes and a virtual clock.

import { describe, expect, test } from "bun:test";
import { fakeSupervisor, withoutProcess } from "../../test/support/supervisor-kit.ts";
import { waitFor } from "../../test/support/wait.ts";

describe("supervisor", () => {
  test("a process without onStarted is running as soon as it is spawned", async () => {
    const { spawner, supervisor } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    expect(supervisor.status()).toEqual({
      status: "running",
      errMsg: "",
      pid: 1001,
      restarts: 0,
      startedAt: "2025-01-01T00:00:00.000Z",
    });
    expect(spawner.last.request).toEqual({
      command: ["./mirror", "--flag"],
      cwd: "/plugins/portable/mirror",
      env: { LANG: "C" },
    });
  });

  test("a process is initializing until onStarted resolves", async () => {
    const handshake = Promise.withResolvers<void>();
    const { supervisor } = fakeSupervisor({ onStarted: () => handshake.promise });
    await using _ = supervisor;
    const started = supervisor.start();
    await waitFor(() => supervisor.status().pid === 1001, "the spawn");
    expect(supervisor.status().status).toBe("initializing");
    handshake.resolve();
    await started;
    expect(supervisor.status().status).toBe("running");
  });

  test("markRunning makes the process running before onStarted resolves", async () => {
    const { supervisor } = fakeSupervisor({ onStarted: () => new Promise(() => {}) });
    await using _ = supervisor;
    const started = supervisor.start();
    await waitFor(() => supervisor.status().pid === 1001, "the spawn");
    supervisor.markRunning();
    await started;
    expect(supervisor.status().status).toBe("running");
  });

  test("an unexpected exit records the code and last lines and restarts after 500 ms", async () => {
    const { clock, spawner, supervisor, reaches } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    spawner.last.print("loading model\n");
    spawner.last.print("panic: bad frame\n", "stderr");
    spawner.last.exit(3);
    await reaches("error");
    expect(supervisor.status()).toEqual(
      withoutProcess("error", "exited with code 3: loading model\npanic: bad frame"),
    );
    expect(clock.pending()).toEqual([500]);
    clock.advance(499);
    expect(spawner.processes.length).toBe(1);
    clock.advance(1);
    expect(spawner.processes.length).toBe(2);
    await reaches("running");
    expect(supervisor.status()).toMatchObject({ errMsg: "", pid: 1002, restarts: 1 });
  });

  test("restarts wait 0.5, 1, 2 and 4 s, and the fifth crash in two minutes gives up", async () => {
    const { clock, spawner, supervisor, reaches } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    const delays: number[] = [];
    for (let crash = 1; crash <= 5; crash++) {
      spawner.last.print(`crash ${crash}\n`);
      spawner.last.exit(null, "SIGSEGV");
      await reaches("error");
      delays.push(...clock.pending());
      clock.advance(clock.pending()[0] ?? 0);
      if (crash < 5) await reaches("running");
    }
    expect(delays).toEqual([500, 1000, 2000, 4000]);
    expect(spawner.processes.length).toBe(5);
    const gaveUp =
      "gave up after 5 crashes in 2 minutes; update the plugin or restart plugd; " +
      "last failure: killed by signal SIGSEGV: crash 5";
    expect(supervisor.status()).toEqual(withoutProcess("error", gaveUp, 4));
  });

  test("a process that ran healthy for 60 s is restarted after 500 ms again", async () => {
    const { clock, spawner, supervisor, reaches } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    for (const delay of [500, 1000]) {
      spawner.last.exit(1);
      await reaches("error");
      expect(clock.pending()).toEqual([delay]);
      clock.advance(delay);
      await reaches("running");
    }
    clock.advance(59_999);
    spawner.last.exit(1);
    await reaches("error");
    expect(clock.pending()).toEqual([2000]);
    clock.advance(2000);
    await reaches("running");
    clock.advance(60_000);
    spawner.last.exit(1);
    await reaches("error");
    expect(clock.pending()).toEqual([500]);
  });

  test("output of every process is kept in one buffer, but errMsg has the last process's only", async () => {
    const { clock, spawner, supervisor, reaches } = fakeSupervisor();
    await using _ = supervisor;
    await supervisor.start();
    spawner.last.print("first run\n");
    spawner.last.exit(1);
    await reaches("error");
    clock.advance(500);
    await reaches("running");
    spawner.last.exit(2);
    await reaches("error");
    expect(supervisor.output.tail(10).map((line) => line.text)).toEqual(["first run"]);
    expect(supervisor.status().errMsg).toBe("exited with code 2");
  });

  test("a rejecting onStarted kills the process and counts as a crash", async () => {
    const { clock, spawner, supervisor } = fakeSupervisor({
      onStarted: async (child) => {
        spawner.last.print("listening on ipc\n");
        await waitFor(() => child.lastLines().length === 1, "the line");
        throw new Error("no handshake within 60s");
      },
    });
    await using _ = supervisor;
    const message = "failed to start: no handshake within 60s: listening on ipc";
    await expect(supervisor.start()).rejects.toThrow(message);
    expect(supervisor.status()).toMatchObject({ status: "error", errMsg: message, pid: 0 });
    // SIGTERM stops the process; the SIGKILL after it sweeps the rest of its group.
    expect(spawner.last.signals).toEqual(["SIGTERM", "SIGKILL"]);
    expect(clock.pending()).toEqual([500]);
  });

  test("start() rejects with errMsg when the first process exits before it is ready", async () => {
    const { spawner, supervisor } = fakeSupervisor({ onStarted: () => new Promise(() => {}) });
    await using _ = supervisor;
    const started = supervisor.start();
    await waitFor(() => spawner.processes.length === 1, "the spawn");
    spawner.last.print("unknown option --flag\n", "stderr");
    spawner.last.exit(2);
    await expect(started).rejects.toThrow("exited with code 2: unknown option --flag");
  });

  test("a spawn that throws is an error and is retried with back-off", async () => {
    const { clock, spawner, supervisor, reaches } = fakeSupervisor();
    await using _ = supervisor;
    spawner.failNext = new Error('Executable not found in $PATH: "./mirror"');
    await expect(supervisor.start()).rejects.toThrow(
      'could not start: Executable not found in $PATH: "./mirror"',
    );
    expect(supervisor.status()).toMatchObject({ status: "error", pid: 0, restarts: 0 });
    expect(clock.pending()).toEqual([500]);
    clock.advance(500);
    await reaches("running");
  });
});
