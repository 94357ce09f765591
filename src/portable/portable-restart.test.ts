// PortablePlugin supervision with real processes: crash, restart with replay, crash loop, intruders.

import { describe, expect, test } from "bun:test";
import { waitForLine } from "../../test/support/child-fixtures/fixtures.ts";
import { ReqSocket } from "../../test/support/nng-req/req-socket.ts";
import { uniquePluginName } from "../../test/support/portable-plugins/fixture-plugin.ts";
import {
  fixtureHarness,
  type Harness,
} from "../../test/support/portable-plugins/plugin-harness.ts";
import { VirtualClock } from "../../test/support/virtual-clock.ts";
import { isAlive, waitFor } from "../../test/support/wait.ts";
import type { SupervisorStatus } from "../supervisor/supervisor-api.ts";
import type { SymbolControl } from "./commands.ts";

/** Real processes start slowly on a loaded machine; bunfig's test timeout is not applied. */
const SLOW = { timeout: 20_000 };

const reaches = (h: Harness, status: SupervisorStatus, restarts = 0) =>
  waitFor(
    () => h.plugin.status().status === status && h.plugin.status().restarts >= restarts,
    `status ${status} after ${restarts} restarts`,
  );

describe("PortablePlugin supervision", () => {
  test(
    "a crash shows exit code and last lines, then the restarted process gets every start replayed",
    async () => {
      let messages = 0;
      const name = uniquePluginName();
      const [fa, fb] = [`${name}_a`, `${name}_b`];
      // The back-off runs on a virtual clock: the plugin stays in error until the test moves it.
      const clock = new VirtualClock(Date.now());
      await using h = await fixtureHarness(
        { name, behaviour: { crashOnSignal: true, functions: [fa, fb] } },
        { clock, backoff: { initialDelayMs: 300 }, onSourceData: () => messages++ },
      );
      await h.plugin.start();
      const meta = { ruleId: h.rule, opId: "o", instanceId: 0 };
      const source: SymbolControl = { symbolName: "random", pluginType: "source", meta };
      const sink: SymbolControl = {
        symbolName: "file",
        pluginType: "sink",
        meta: { ...meta, opId: "s" },
      };
      await h.plugin.startSymbol({ symbolName: fa, pluginType: "func" });
      await h.plugin.startSymbol({ symbolName: fb, pluginType: "func" });
      await h.plugin.startSymbol(source);
      await h.plugin.startSymbol(sink);
      const firstPid = h.plugin.status().pid;
      process.kill(firstPid, "SIGUSR1");
      await reaches(h, "error");
      const failed = h.plugin.status();
      expect(failed.errMsg).toStartWith("exited with code 1: ");
      expect(failed.errMsg).toContain("crashing on purpose");
      clock.advance(300);
      await reaches(h, "running", 1);
      expect(h.plugin.status()).toMatchObject({
        restarts: 1,
        errMsg: "",
        refCount: { [h.rule]: 2 },
      });
      expect(h.plugin.status().pid).not.toBe(firstPid);
      // eKuiper would replay only one of the two functions; both answer here.
      expect(await h.plugin.callFunction(fa, "Exec", ["a"])).toEqual({ state: true, result: "a" });
      expect(await h.plugin.callFunction(fb, "Exec", ["b"])).toEqual({ state: true, result: "b" });
      const before = messages;
      await waitFor(() => messages > before + 2, "source messages from the new process");
      // The sink's data socket redials the new process's listener by itself.
      await h.plugin.sendToSink(sink, new TextEncoder().encode("after the restart"));
      await waitForLine(h.plugin.output, (l) =>
        l.text.endsWith("sink file received after the restart"),
      );
    },
    SLOW,
  );

  test(
    "kill -9 of the plugin brings a new process that answers the function it had started",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      expect(await h.plugin.callFunction(h.fn, "Exec", ["one"])).toEqual({
        state: true,
        result: "one",
      });
      const pid = h.plugin.status().pid;
      process.kill(pid, "SIGKILL");
      await reaches(h, "running", 1);
      expect(isAlive(pid)).toBe(false);
      expect(await h.plugin.callFunction(h.fn, "Exec", ["two"])).toEqual({
        state: true,
        result: "two",
      });
    },
    SLOW,
  );

  test(
    "a plugin that keeps crashing is given up, with the last failure in errMsg",
    async () => {
      await using h = await fixtureHarness(
        { behaviour: { crashAfterMs: 50 } },
        { backoff: { initialDelayMs: 20, maxCrashes: 3 } },
      );
      await h.plugin.start();
      await waitFor(() => h.plugin.status().errMsg.startsWith("gave up"), "giving up", 20_000);
      const status = h.plugin.status();
      expect(status).toMatchObject({ status: "error", pid: 0, restarts: 2 });
      expect(status.errMsg).toStartWith(
        "gave up after 3 crashes in 2 minutes; update the plugin or restart plugd; last failure: exited with code 1: ",
      );
      expect(status.errMsg).toContain("crashing on purpose");
      await expect(h.plugin.callFunction(h.fn, "Exec", ["x"])).rejects.toThrow(
        `portable plugin ${h.name} is not running (status error)`,
      );
      // Starting a plugin that was given up launches it again at once.
      await h.plugin.start();
      expect(h.plugin.status().restarts).toBe(3);
    },
    SLOW,
  );

  test(
    "intruders re-sending stale answers on the control and function sockets do not confuse the restarted process",
    async () => {
      await using h = await fixtureHarness();
      await h.plugin.start();
      await h.plugin.callFunction(h.fn, "Exec", ["warm"]);
      // Peers with REQ resend on, as a mirror2 orphan reconnected from an earlier run.
      await using control = new ReqSocket({ resendMs: 20 });
      await using fn = new ReqSocket({ resendMs: 20 });
      await control.dial(`ipc:///tmp/plugin_${h.name}.ipc`);
      await fn.dial(`ipc:///tmp/func_${h.fn}.ipc`);
      await control.send(new TextEncoder().encode("ok"));
      await fn.send(new TextEncoder().encode('{"state":true,"result":"stale"}'));
      await waitFor(
        () => h.plugin.status().restarts === 0 && h.plugin.status().status === "running",
        "running",
      );
      process.kill(h.plugin.status().pid, "SIGKILL");
      await reaches(h, "running", 1);
      expect(await h.plugin.callFunction(h.fn, "Exec", ["fresh"])).toEqual({
        state: true,
        result: "fresh",
      });
      expect(
        h.logs.some(
          (r) => r.msg === "ignoring a control connection that is not the plugin process",
        ),
      ).toBe(true);
    },
    SLOW,
  );
});
