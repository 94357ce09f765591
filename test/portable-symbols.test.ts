// (plugd) Driving a portable plugin over REST: symbol starts, function calls, replay after a crash.
import { describe, expect, test } from "bun:test";
import { startFileServer } from "./support/http-fixtures.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { isAlive, waitFor } from "./support/wait.ts";

const fast = "portable:\n  initTimeout: 2s\n  stopTimeout: 500ms\n";
const echoFor = (ruleId: string) => ({
  symbolName: "echo",
  pluginType: "func",
  meta: { ruleId, opId: "op1", instanceId: 0 },
});

async function status(server: TestServer, name: string) {
  const res = await server.request(`/plugins/portables/${name}/status`);
  return (await res.json()) as {
    status: string;
    pid: number;
    restarts: number;
    refCount: Record<string, number>;
  };
}

async function callEcho(server: TestServer, name: string, value: unknown) {
  return server.send("POST", `/plugins/portables/${name}/functions/echo/call`, {
    func: "Exec",
    arg: [value],
  });
}

describe("portable symbols over REST", () => {
  test("starts a function, counts it per rule, calls it, and replays it after a crash", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({ "/p.zip": portablePluginZip({ name }) });
    expect(
      (await server.send("POST", "/plugins/portables", { name, file: files.url("/p.zip") })).status,
    ).toBe(201);
    const started = await server.send(
      "POST",
      `/plugins/portables/${name}/symbols/start`,
      echoFor("rule1"),
    );
    expect(await started.text()).toBe(`func echo of portable plugin ${name} is started`);
    expect((await status(server, name)).refCount).toEqual({ rule1: 1 });
    const call = await callEcho(server, name, "hello");
    expect(await call.json()).toEqual({ state: true, result: "hello" });

    const { pid } = await status(server, name);
    process.kill(pid, "SIGKILL");
    await waitFor(async () => {
      const s = await status(server, name);
      return s.status === "running" && s.restarts === 1;
    }, "the restart");
    expect(isAlive(pid)).toBe(false);
    expect((await status(server, name)).refCount).toEqual({ rule1: 1 });
    expect(await (await callEcho(server, name, { a: 1 })).json()).toEqual({
      state: true,
      result: { a: 1 },
    });

    const stopped = await server.send(
      "POST",
      `/plugins/portables/${name}/symbols/stop`,
      echoFor("rule1"),
    );
    expect(stopped.status).toBe(200);
    expect((await status(server, name)).refCount).toEqual({});
  });

  test("refuses a symbol the manifest does not list, and an unknown plugin", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({ "/p.zip": portablePluginZip({ name }) });
    expect(
      (await server.send("POST", "/plugins/portables", { name, file: files.url("/p.zip") })).status,
    ).toBe(201);
    const bad = await server.send("POST", `/plugins/portables/${name}/symbols/start`, {
      symbolName: "nope",
      pluginType: "func",
    });
    expect(bad.status).toBe(400);
    const unknown = await server.send(
      "POST",
      "/plugins/portables/ghost/symbols/start",
      echoFor("r"),
    );
    expect(unknown.status).toBe(404);
  });
});
