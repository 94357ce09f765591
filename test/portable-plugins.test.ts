// Portable plugins over the REST API: install, handshake, status, logs, delete, refusals.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";
import { isAlive, waitFor } from "./support/wait.ts";

const fast = "portable:\n  initTimeout: 2s\n  stopTimeout: 500ms\n";

async function create(server: TestServer, name: string, url: string) {
  return server.send("POST", "/plugins/portables", { name, file: url });
}

interface Status {
  status: string;
  pid: number;
  errMsg: string;
  restarts: number;
  refCount: Record<string, number>;
}

async function statusOf(server: TestServer, name: string): Promise<Status> {
  return (await (await server.request(`/plugins/portables/${name}/status`)).json()) as Status;
}

describe("POST /plugins/portables", () => {
  test("installs the plugin, starts it and reports it running with its real pid", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({ "/p.zip": portablePluginZip({ name }) });
    const res = await create(server, name, files.url("/p.zip"));
    expect(await res.text()).toBe(`portable plugin ${name} is created`);
    expect(res.status).toBe(201);
    // As eKuiper answers (its fvt/portable_test.go compares this exact JSON text).
    const list = await (await server.request("/plugins/portables")).text();
    const executable = join(server.home, "plugins", "portable", name, "run-fixture");
    expect(list).toBe(
      `[{"name":"${name}","version":"1.0.0","language":"go","executable":"${executable}","sources":["random"],"sinks":["file"],"functions":["echo"]}]`,
    );
    const raw = await (await server.request(`/plugins/portables/${name}/status`)).text();
    expect(raw).toStartWith('{"refCount":{},"status":"running","errMsg":""');
    const described = (await (await server.request(`/plugins/portables/${name}`)).json()) as Record<
      string,
      unknown
    >;
    expect(described).toMatchObject({
      name,
      version: "1.0.0",
      language: "go",
      executable: "run-fixture",
      sources: ["random"],
      sinks: ["file"],
      functions: ["echo"],
      refCount: {},
      status: "running",
      errMsg: "",
    });
    const status = await statusOf(server, name);
    expect(status.pid).toBe(described.pid as number);
    expect(isAlive(status.pid)).toBe(true);
    const cwd = readFileSync(`/proc/${status.pid}/cmdline`, "utf8");
    expect(cwd).toContain('{"sendTimeout":1000}');
    expect(existsSync(join(server.home, "etc/sources/random.yaml"))).toBe(true);
    expect(existsSync(join(server.home, "etc/functions/echo.json"))).toBe(true);
    expect(await (await server.request("/plugins/udfs")).json()).toEqual(["echo"]);
    expect(await (await server.request("/plugins/udfs/echo")).json()).toEqual({
      name: "echo",
      plugin: name,
    });
  });

  test("a plugin that never sends its handshake fails the create with its output, leaving nothing", async () => {
    await using server = await startServer({
      config: "portable:\n  initTimeout: 400ms\n  stopTimeout: 200ms\n",
    });
    const name = uniquePluginName();
    const zip = portablePluginZip({
      name,
      behaviour: { neverHandshake: true, linesPerSecond: 50 },
    });
    await using files = startFileServer({ "/p.zip": zip });
    const before = snapshot(server);
    const res = await create(server, name, files.url("/p.zip"));
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain(`portable plugin ${name} did not start`);
    expect(snapshot(server)).toEqual(before);
    expect(existsSync(`/tmp/plugin_${name}.ipc`)).toBe(false);
  });

  test("a plugin that exits at once fails the create with its exit code and last lines", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    const behaviour = { exitAtOnce: { code: 3, lines: ["loading model", "model file missing"] } };
    await using files = startFileServer({ "/p.zip": portablePluginZip({ name, behaviour }) });
    const before = snapshot(server);
    const res = await create(server, name, files.url("/p.zip"));
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain("code 3");
    expect(message).toContain("model file missing");
    expect(snapshot(server)).toEqual(before);
  });

  test.each([
    ["a zip without the manifest", (n: string) => ({ [`${n}.json`]: null }), "lacks the manifest"],
    ["a zip without the executable", () => ({ "run-fixture": null }), "lacks at its top level"],
    [
      "a zip without a source's yaml",
      () => ({ "sources/random.yaml": null }),
      "sources/random.yaml",
    ],
    ["a manifest that is not JSON", (n: string) => ({ [`${n}.json`]: "{" }), "not valid JSON"],
  ])("refuses %s with a 400 that says what to change", async (_label, extra, message) => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({ "/p.zip": portablePluginZip({ name }, extra(name)) });
    const before = snapshot(server);
    const res = await create(server, name, files.url("/p.zip"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(message);
    expect(snapshot(server)).toEqual(before);
  });

  test("refuses a function name that a native plugin owns", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({
      "/n.zip": nativePluginZip({ type: "functions", name: "echo" }),
      "/p.zip": portablePluginZip({ name }),
    });
    expect(
      (await server.send("POST", "/plugins/functions", { name: "echo", file: files.url("/n.zip") }))
        .status,
    ).toBe(201);
    const before = snapshot(server);
    const res = await create(server, name, files.url("/p.zip"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(
      "function name echo already exists",
    );
    expect(snapshot(server)).toEqual(before);
  });
});

describe("running portable plugins", () => {
  test("a crash is recorded and the plugin is restarted", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    const zip = portablePluginZip({ name, behaviour: { crashOnSignal: true } });
    await using files = startFileServer({ "/p.zip": zip });
    expect((await create(server, name, files.url("/p.zip"))).status).toBe(201);
    const first = (await statusOf(server, name)).pid;
    process.kill(first, "SIGUSR1");
    await waitFor(async () => {
      const s = await statusOf(server, name);
      return s.status === "running" && s.restarts === 1;
    }, "the restart");
    const after = await statusOf(server, name);
    expect(after.pid).not.toBe(first);
    expect(isAlive(after.pid)).toBe(true);
  });

  test("serves the program's last output lines", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({
      "/p.zip": portablePluginZip({ name, behaviour: { linesPerSecond: 100 } }),
    });
    expect((await create(server, name, files.url("/p.zip"))).status).toBe(201);
    await waitFor(
      async () =>
        (await (await server.request(`/plugins/portables/${name}/logs?lines=5`)).text()).split("\n")
          .length > 5,
      "output lines",
    );
    const text = await (await server.request(`/plugins/portables/${name}/logs?lines=5`)).text();
    expect(text.trimEnd().split("\n")).toHaveLength(5);
    expect(server.logs.some((l) => l.plugin === name && typeof l.msg === "string")).toBe(true);
  });

  test("DELETE stops the process and removes files, metadata and functions at once", async () => {
    await using server = await startServer({ config: fast });
    const empty = snapshot(server);
    const name = uniquePluginName();
    await using files = startFileServer({
      "/p.zip": portablePluginZip({ name, behaviour: { ignoreSigterm: true } }),
    });
    expect((await create(server, name, files.url("/p.zip"))).status).toBe(201);
    const { pid } = await statusOf(server, name);
    const res = await server.request(`/plugins/portables/${name}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`portable plugin ${name} is deleted`);
    await waitFor(() => !isAlive(pid), "the plugin process to end");
    expect(snapshot(server)).toEqual(empty);
    expect(await (await server.request("/plugins/udfs")).json()).toEqual([]);
    expect((await server.request(`/plugins/portables/${name}`)).status).toBe(404);
  });

  test("answers 404 for an unknown plugin", async () => {
    await using server = await startServer();
    for (const path of ["", "/status", "/logs"]) {
      const res = await server.request(`/plugins/portables/nope${path}`);
      expect(res.status).toBe(404);
    }
    expect((await server.request("/plugins/portables/nope", { method: "DELETE" })).status).toBe(
      404,
    );
  });
});
