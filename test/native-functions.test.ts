// Function plugins and the global UDF registry: defaults, explicit lists, register, clashes.
import { describe, expect, test } from "bun:test";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";

async function install(server: TestServer, url: string, name: string, functions?: string[]) {
  return server.send("POST", "/plugins/functions", {
    name,
    file: url,
    ...(functions ? { functions } : {}),
  });
}

describe("function plugins", () => {
  test("export one function named like the plugin when no list is given", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/echo.zip": nativePluginZip({ type: "functions", name: "echo" }),
    });
    expect((await install(server, files.url("/echo.zip"), "echo")).status).toBe(201);
    expect(await (await server.request("/plugins/udfs")).json()).toEqual(["echo"]);
    expect(await (await server.request("/plugins/udfs/echo")).json()).toEqual({
      name: "echo",
      plugin: "echo",
    });
    expect(await (await server.request("/plugins/functions/echo")).json()).toEqual({
      name: "echo",
      version: "1.0.0",
    });
  });

  test("export the listed functions and describe them", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/e2.zip": nativePluginZip({ type: "functions", name: "echo2" }),
    });
    expect((await install(server, files.url("/e2.zip"), "echo2", ["echo3", "echo4"])).status).toBe(
      201,
    );
    expect(await (await server.request("/plugins/udfs")).json()).toEqual(["echo3", "echo4"]);
    expect(await (await server.request("/plugins/udfs/echo3")).json()).toEqual({
      name: "echo3",
      plugin: "echo2",
    });
    expect(await (await server.request("/plugins/functions/echo2")).json()).toEqual({
      name: "echo2",
      version: "1.0.0",
      functions: ["echo3", "echo4"],
    });
  });

  test("refuse a function name another plugin owns, and install nothing", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/a.zip": nativePluginZip({ type: "functions", name: "pa" }),
      "/b.zip": nativePluginZip({ type: "functions", name: "pb" }),
    });
    expect((await install(server, files.url("/a.zip"), "pa", ["shared", "onlya"])).status).toBe(
      201,
    );
    const before = snapshot(server);
    const res = await install(server, files.url("/b.zip"), "pb", ["shared"]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      "create functions plugin pb: function name shared already exists",
    );
    expect(snapshot(server)).toEqual(before);
  });

  test("answers 404 for an unknown function", async () => {
    await using server = await startServer();
    const res = await server.request("/plugins/udfs/missing");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: number }).error).toBe(1002);
  });
});

describe("POST /plugins/functions/{name}/register", () => {
  test("replaces the plugin's function list", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/f.zip": nativePluginZip({ type: "functions", name: "fp" }),
    });
    expect((await install(server, files.url("/f.zip"), "fp")).status).toBe(201);
    const res = await server.send("POST", "/plugins/functions/fp/register", {
      functions: ["f1", "f2"],
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("function plugin fp function list is registered");
    expect(await (await server.request("/plugins/udfs")).json()).toEqual(["f1", "f2"]);
    expect(
      ((await (await server.request("/plugins/functions/fp")).json()) as { functions: string[] })
        .functions,
    ).toEqual(["f1", "f2"]);
  });

  test.each([
    [{ functions: [] }, 400, "must not be empty"],
    [{ functions: ["ok", "bad name"] }, 400, "invalid function name"],
    [{ functions: ["taken"] }, 400, "function name taken already exists"],
    [{ nope: 1 }, 400, "invalid request"],
  ])("refuses %j", async (body, status, message) => {
    await using server = await startServer();
    await using files = startFileServer({
      "/f.zip": nativePluginZip({ type: "functions", name: "fp" }),
      "/o.zip": nativePluginZip({ type: "functions", name: "other" }),
    });
    expect((await install(server, files.url("/f.zip"), "fp")).status).toBe(201);
    expect((await install(server, files.url("/o.zip"), "other", ["taken"])).status).toBe(201);
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/functions/fp/register", body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { message: string }).message).toContain(message);
    expect(snapshot(server)).toEqual(before);
  });

  test("answers 404 for an unknown plugin", async () => {
    await using server = await startServer();
    const res = await server.send("POST", "/plugins/functions/ghost/register", {
      functions: ["x"],
    });
    expect(res.status).toBe(404);
  });
});
