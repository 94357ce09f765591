// One owner per file and per symbol: names that share files, phantom twins, another's yaml.
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";

const fast = "portable:\n  initTimeout: 10s\n  stopTimeout: 2s\n";

async function messageOf(res: Response): Promise<string> {
  return ((await res.json()) as { message: string }).message;
}

function create(server: TestServer, type: string, name: string, file: string) {
  return server.send("POST", `/plugins/${type}`, { name, file });
}

describe("names that map to the same files", () => {
  test("a second source whose name differs only in its first letter's case is refused", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/lower.zip": nativePluginZip({ type: "sources", name: "random", so: "Random.so" }),
      "/upper.zip": nativePluginZip({ type: "sources", name: "Random", so: "Random.so" }),
    });
    expect((await create(server, "sources", "random", files.url("/lower.zip"))).status).toBe(201);
    const before = snapshot(server);
    const res = await create(server, "sources", "Random", files.url("/upper.zip"));
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toBe(
      "create sources plugin Random: invalid name Random: sources plugin random already has the files this name maps to (eKuiper loads both from one library)",
    );
    expect(snapshot(server)).toEqual(before);
    expect(files.hits("/upper.zip")).toBe(0);
  });

  test("a restart does not adopt a phantom twin of a plugin whose name starts upper-case", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/r.zip": nativePluginZip({ type: "sources", name: "Random", so: "Random.so" }),
      "/e.zip": nativePluginZip({ type: "functions", name: "Echo9", so: "Echo9.so" }),
    });
    expect((await create(server, "sources", "Random", files.url("/r.zip"))).status).toBe(201);
    expect((await create(server, "functions", "Echo9", files.url("/e.zip"))).status).toBe(201);
    const before = snapshot(server);
    await using again = await server.restart();
    expect(await (await again.request("/plugins/sources")).json()).toEqual(["Random"]);
    expect(await (await again.request("/plugins/functions")).json()).toEqual(["Echo9"]);
    expect(await (await again.request("/plugins/udfs")).json()).toEqual(["Echo9"]);
    expect(snapshot(again)).toEqual(before);
    const res = await again.request("/plugins/sources/random", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(snapshot(again)).toEqual(before);
  });
});

describe("files and symbols of another plugin", () => {
  test.each([
    ["declares the source", {}, "source random is already provided by sources plugin random"],
    [
      "only carries its yaml",
      { manifest: { sources: [], sinks: ["file"], functions: [] } },
      "etc/sources/random.yaml belongs to sources plugin random",
    ],
  ])("a portable plugin that %s may not take a native source's yaml", async (_, spec, why) => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({
      "/n.zip": nativePluginZip({ type: "sources", name: "random" }),
      "/p.zip": portablePluginZip(
        { name, ...spec },
        { "functions/echo.json": null, "sources/random.json": null },
      ),
    });
    expect((await create(server, "sources", "random", files.url("/n.zip"))).status).toBe(201);
    const yaml = join(server.home, "etc/sources/random.yaml");
    writeFileSync(yaml, "default:\n  interval: 5\n");
    const before = snapshot(server);
    const res = await create(server, "portables", name, files.url("/p.zip"));
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toBe(`create portable plugin ${name}: ${why}`);
    expect(snapshot(server)).toEqual(before);
    expect(readFileSync(yaml, "utf8")).toBe("default:\n  interval: 5\n");
  });

  test("two portable plugins may not declare the same sink", async () => {
    await using server = await startServer({ config: fast });
    const [first, second] = [uniquePluginName(), uniquePluginName()];
    const only = (sinks: string[]) => ({ sources: [], sinks, functions: [] });
    const drop = { "sources/random.yaml": null, "sources/random.json": null };
    await using files = startFileServer({
      "/a.zip": portablePluginZip(
        { name: first, manifest: only(["file"]) },
        {
          ...drop,
          "functions/echo.json": null,
          "sinks/file.json": null,
        },
      ),
      "/b.zip": portablePluginZip(
        { name: second, manifest: only(["file"]) },
        {
          ...drop,
          "functions/echo.json": null,
          "sinks/file.json": null,
        },
      ),
    });
    expect((await create(server, "portables", first, files.url("/a.zip"))).status).toBe(201);
    const before = snapshot(server);
    const res = await create(server, "portables", second, files.url("/b.zip"));
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toBe(
      `create portable plugin ${second}: sink file is already provided by portable plugin ${first}`,
    );
    expect(snapshot(server)).toEqual(before);
  });

  test("a native sink may not take a name a portable plugin provides", async () => {
    await using server = await startServer({ config: fast });
    const name = uniquePluginName();
    await using files = startFileServer({
      "/p.zip": portablePluginZip({ name }),
      "/n.zip": nativePluginZip({ type: "sinks", name: "file" }),
    });
    expect((await create(server, "portables", name, files.url("/p.zip"))).status).toBe(201);
    const res = await create(server, "sinks", "file", files.url("/n.zip"));
    expect(res.status).toBe(400);
    expect(await messageOf(res)).toBe(
      `create sinks plugin file: sink file is already provided by portable plugin ${name}`,
    );
    expect(await (await server.request("/plugins/sinks")).json()).toEqual([]);
  });
});

describe("names plugd refuses before anything else", () => {
  test.each(["sources", "sinks", "functions", "portables"])(
    "a %s name longer than 64 characters is a 400 that states the limit",
    async (type) => {
      await using server = await startServer();
      await using files = startFileServer({});
      const name = "a".repeat(300);
      const res = await create(server, type, name, files.url("/never.zip"));
      expect(res.status).toBe(400);
      expect(await messageOf(res)).toEndWith(
        `invalid plugin name "${"a".repeat(20)}…": it has 300 characters, more than the 64 allowed`,
      );
      expect(files.hits("/never.zip")).toBe(0);
    },
  );

  test.each(["sources", "sinks", "functions", "portables"])(
    "a %s plugin named prebuild is refused, since the prebuilt list answers at that path",
    async (type) => {
      await using server = await startServer();
      await using files = startFileServer({});
      const res = await create(server, type, "prebuild", files.url("/never.zip"));
      expect(res.status).toBe(400);
      expect(await messageOf(res)).toEndWith(
        "invalid name prebuild: it is reserved, since GET /plugins/{type}/prebuild lists the prebuilt plugins",
      );
      expect(files.hits("/never.zip")).toBe(0);
    },
  );
});
