// Update and delete of native plugins: swap only on success, remove everything, ?stop=1.
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { makeZip, nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";
import { waitFor } from "./support/wait.ts";

describe("PUT /plugins/{type}/{name}", () => {
  test("installs the new version in place of the old one", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/v1.zip": nativePluginZip({ type: "sources", name: "rnd", extra: { "etc/old.txt": "1" } }),
      "/v2.zip": nativePluginZip({
        type: "sources",
        name: "rnd",
        so: "Rnd@v2.0.0.so",
        extra: { "etc/new.txt": "2" },
      }),
    });
    expect(
      (await server.send("POST", "/plugins/sources", { name: "rnd", file: files.url("/v1.zip") }))
        .status,
    ).toBe(201);
    const res = await server.send("PUT", "/plugins/sources/rnd", {
      name: "rnd",
      file: files.url("/v2.zip"),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      "plugin rnd is updated and the server must restart for the change to take effect.",
    );
    expect(await (await server.request("/plugins/sources/rnd")).json()).toEqual({
      name: "rnd",
      version: "2.0.0",
    });
    expect(readdirSync(join(server.home, "plugins/sources"))).toEqual(["Rnd@v2.0.0.so"]);
    expect(readdirSync(join(server.home, "etc/sources/rnd"))).toEqual(["new.txt"]);
  });

  test("keeps the old version untouched when the update fails", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/v1.zip": nativePluginZip({ type: "functions", name: "fn", extra: { "etc/a.txt": "a" } }),
      "/broken.zip": makeZip({ "readme.txt": "no library here" }),
    });
    expect(
      (await server.send("POST", "/plugins/functions", { name: "fn", file: files.url("/v1.zip") }))
        .status,
    ).toBe(201);
    const before = snapshot(server);
    const res = await server.send("PUT", "/plugins/functions/fn", {
      name: "fn",
      file: files.url("/broken.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(
      "lacks the plugin library fn.so",
    );
    expect(snapshot(server)).toEqual(before);
  });

  test("refuses a body whose name differs from the path", async () => {
    await using server = await startServer();
    const res = await server.send("PUT", "/plugins/sinks/a", {
      name: "b",
      file: "http://127.0.0.1/b.zip",
    });
    expect(res.status).toBe(400);
  });

  test("answers 404 for an unknown plugin", async () => {
    await using server = await startServer();
    const res = await server.send("PUT", "/plugins/sinks/a", {
      name: "a",
      file: "http://127.0.0.1/a.zip",
    });
    expect(res.status).toBe(404);
  });
});

describe("DELETE /plugins/{type}/{name}", () => {
  test("removes the files, the rows and the functions", async () => {
    await using server = await startServer();
    const empty = snapshot(server);
    await using files = startFileServer({
      "/f.zip": nativePluginZip({ type: "functions", name: "gone", extra: { "etc/x.txt": "x" } }),
    });
    const body = { name: "gone", file: files.url("/f.zip"), functions: ["g1", "g2"] };
    expect((await server.send("POST", "/plugins/functions", body)).status).toBe(201);
    const res = await server.request("/plugins/functions/gone", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      "functions plugin gone is deleted and the server must restart for the change to take effect.",
    );
    expect(await (await server.request("/plugins/udfs")).json()).toEqual([]);
    expect(snapshot(server)).toEqual(empty);
    expect(server.stopRequests).toEqual([]);
  });

  test("with ?stop=1 answers in full and then asks the process to exit with 100", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sinks", name: "s" }),
    });
    expect(
      (await server.send("POST", "/plugins/sinks", { name: "s", file: files.url("/s.zip") }))
        .status,
    ).toBe(201);
    const res = await server.request("/plugins/sinks/s?stop=1", { method: "DELETE" });
    expect(await res.text()).toBe("sinks plugin s is deleted and the server will be stopped");
    await waitFor(() => server.stopRequests.length > 0, "the stop request");
    expect(server.stopRequests).toEqual([100]);
    expect(existsSync(join(server.home, "plugins/sinks/S@v1.0.0.so"))).toBe(false);
  });

  test("takes ?restart=1, the older documentation's name, as ?stop=1", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sinks", name: "s" }),
    });
    const body = { name: "s", file: files.url("/s.zip") };
    expect((await server.send("POST", "/plugins/sinks", body)).status).toBe(201);
    const res = await server.request("/plugins/sinks/s?restart=1", { method: "DELETE" });
    expect(await res.text()).toBe("sinks plugin s is deleted and the server will be stopped");
    await waitFor(() => server.stopRequests.length > 0, "the stop request");
    expect(server.stopRequests).toEqual([100]);
  });

  test("answers 404 for an unknown plugin", async () => {
    await using server = await startServer();
    const res = await server.request("/plugins/sources/none", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: number }).error).toBe(1002);
  });
});
