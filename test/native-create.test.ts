// Creating, listing and describing native plugins over real HTTP with zips from a real server.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";

describe("POST /plugins/{type}", () => {
  test("installs a source plugin into eKuiper's layout and answers 201", async () => {
    await using server = await startServer();
    const zip = nativePluginZip({
      type: "sources",
      name: "random",
      extra: { "etc/extra.txt": "x", "lib/helper.txt": "private" },
    });
    await using files = startFileServer({ "/random.zip": zip });
    const res = await server.send("POST", "/plugins/sources", {
      name: "random",
      file: files.url("/random.zip"),
    });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe("sources plugin random is created");
    const home = server.home;
    expect(existsSync(join(home, "plugins/sources/Random@v1.0.0.so"))).toBe(true);
    expect(readFileSync(join(home, "etc/sources/random.yaml"), "utf8")).toContain("interval");
    expect(existsSync(join(home, "etc/sources/random.json"))).toBe(true);
    expect(readFileSync(join(home, "etc/sources/random/extra.txt"), "utf8")).toBe("x");
    expect(existsSync(join(home, "lib/helper.txt"))).toBe(false);
    const list = await server.request("/plugins/sources");
    expect(await list.json()).toEqual(["random"]);
    const described = await server.request("/plugins/sources/random");
    expect(await described.json()).toEqual({ name: "random", version: "1.0.0" });
  });

  test("installs from a file:// URL and keeps the sha256 and request in the store", async () => {
    await using server = await startServer();
    const zipPath = join(server.home, "sink.zip");
    writeFileSync(zipPath, nativePluginZip({ type: "sinks", name: "file2", so: "file2.so" }));
    const res = await server.send("POST", "/plugins/sinks", {
      name: "file2",
      file: `file://${zipPath}`,
    });
    expect(res.status).toBe(201);
    const record = server.plugd.ctx.store.plugins.get("sinks", "file2");
    expect(record?.version).toBe("");
    expect(record?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record?.request).toEqual({ name: "file2", file: `file://${zipPath}` });
    expect(await (await server.request("/plugins/sinks/file2")).json()).toEqual({
      name: "file2",
      version: "",
    });
  });

  test("lists plugins sorted by name", async () => {
    await using server = await startServer();
    const routes: Record<string, Uint8Array> = {};
    for (const name of ["zeta", "alpha", "mid"]) {
      routes[`/${name}.zip`] = nativePluginZip({ type: "sinks", name });
    }
    await using files = startFileServer(routes);
    for (const name of ["zeta", "alpha", "mid"]) {
      const res = await server.send("POST", "/plugins/sinks", {
        name,
        file: files.url(`/${name}.zip`),
      });
      expect(res.status).toBe(201);
    }
    expect(await (await server.request("/plugins/sinks")).json()).toEqual(["alpha", "mid", "zeta"]);
  });

  test("keeps an existing source yaml, which holds the user's configuration", async () => {
    await using server = await startServer();
    writeFileSync(join(server.home, "etc/sources/random.yaml"), "mine: true\n");
    await using files = startFileServer({
      "/r.zip": nativePluginZip({ type: "sources", name: "random" }),
    });
    const res = await server.send("POST", "/plugins/sources", {
      name: "random",
      file: files.url("/r.zip"),
    });
    expect(res.status).toBe(201);
    expect(readFileSync(join(server.home, "etc/sources/random.yaml"), "utf8")).toBe("mine: true\n");
  });

  test("refuses a name already installed for that type with 400 duplicate", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sinks", name: "dup" }),
    });
    const body = { name: "dup", file: files.url("/s.zip") };
    expect((await server.send("POST", "/plugins/sinks", body)).status).toBe(201);
    const again = await server.send("POST", "/plugins/sinks", body);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: 1000,
      message: "create sinks plugin dup: invalid name dup: duplicate",
    });
  });

  test.each([
    [{ name: "bad name", file: "http://127.0.0.1/x.zip" }, "invalid plugin name"],
    [{ name: " padded", file: "http://127.0.0.1/x.zip" }, "invalid plugin name"],
    [{ name: "x", file: "ftp://127.0.0.1/x.zip" }, "invalid uri ftp://127.0.0.1/x.zip"],
    [{ name: "x", file: "http://127.0.0.1/x.tar" }, "invalid uri"],
    [{ name: "x", file: "http://127.0.0.1/x.zip", sha256: "abc" }, "sha256 must be 64"],
    [
      { name: "x", file: "http://127.0.0.1/x.zip", functions: ["f"] },
      "only be given for function plugins",
    ],
    [{ name: "x" }, "invalid request"],
    [{ name: 5, file: "http://127.0.0.1/x.zip" }, "invalid request"],
  ])("answers 400 code 1000 for the body %j", async (body, message) => {
    await using server = await startServer();
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: number; message: string };
    expect(answer.error).toBe(1000);
    expect(answer.message).toContain(message);
    expect(snapshot(server)).toEqual(before);
  });

  test("answers 400 for a body that is not JSON", async () => {
    await using server = await startServer();
    const res = await server.request("/plugins/sources", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: number }).error).toBe(1000);
  });

  test("describes an unknown plugin as 404 code 1002", async () => {
    await using server = await startServer();
    const res = await server.request("/plugins/functions/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: 1002,
      message: "describe functions plugin nope: functions plugin nope is not found",
    });
  });
});

describe("zip layout rules", () => {
  test.each([
    ["a zip without the .so", { so: "other.so" }, "lacks the plugin library thing.so"],
    ["a zip with two .so files", { extra: { "thing.so": "x" } }, "more than one plugin library"],
  ])("refuses %s and says what to change", async (_label, options, message) => {
    await using server = await startServer();
    const zip = nativePluginZip({ type: "sinks", name: "thing", ...options });
    await using files = startFileServer({ "/t.zip": zip });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "thing",
      file: files.url("/t.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(message);
    expect(snapshot(server)).toEqual(before);
  });

  test("refuses a source plugin without its yaml", async () => {
    await using server = await startServer();
    const zip = nativePluginZip({ type: "sources", name: "src", extra: { "src.yaml": null } });
    await using files = startFileServer({ "/s.zip": zip });
    const res = await server.send("POST", "/plugins/sources", {
      name: "src",
      file: files.url("/s.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(
      "needs its configuration file src.yaml",
    );
  });

  test("refuses an ELF library built for another CPU, naming both", async () => {
    await using server = await startServer();
    const foreign = process.arch === "arm64" ? 62 : 183;
    const { elfHeader } = await import("./support/plugin-zips.ts");
    const zip = nativePluginZip({ type: "sinks", name: "elf", soData: elfHeader(foreign) });
    await using files = startFileServer({ "/e.zip": zip });
    const before = snapshot(server);
    const res = await server.send("POST", "/plugins/sinks", {
      name: "elf",
      file: files.url("/e.zip"),
    });
    expect(res.status).toBe(400);
    const own = process.arch === "arm64" ? "arm64" : "amd64";
    const other = process.arch === "arm64" ? "amd64" : "arm64";
    expect(((await res.json()) as { message: string }).message).toContain(
      `Elf@v1.0.0.so is built for ${other} but this server runs on ${own}`,
    );
    expect(snapshot(server)).toEqual(before);
  });

  test("accepts a library that is not ELF, as eKuiper does", async () => {
    await using server = await startServer();
    const zip = nativePluginZip({ type: "sinks", name: "plain", soData: "not an elf file" });
    await using files = startFileServer({ "/p.zip": zip });
    const res = await server.send("POST", "/plugins/sinks", {
      name: "plain",
      file: files.url("/p.zip"),
    });
    expect(res.status).toBe(201);
  });
});
