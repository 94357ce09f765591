// plugin.ekuiperBinary: a native plugin is checked against the eKuiper that will load it, with
// real Go plugins and hosts built here, and Go's own loader as the judge.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildGoPlugins, type GoPlugins, noGo } from "./support/go-plugins.ts";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer } from "./support/server.ts";

const missing = noGo();
if (missing !== undefined) console.warn(`skipping the Go plugin checks: ${missing}`);

describe.skipIf(missing !== undefined)("native plugins checked against eKuiper's binary", () => {
  let go: GoPlugins;
  beforeAll(async () => {
    go = await buildGoPlugins();
  }, 180_000);
  afterAll(() => rmSync(go.dir, { recursive: true, force: true }));

  const realZip = () =>
    nativePluginZip({
      type: "functions",
      name: "echo",
      so: "Echo.so",
      soData: readFileSync(go.so),
    });
  const run = (host: string, so: string) => Bun.spawnSync([host, so]).stdout.toString().trim();

  test("a plugin the binary loads is installed and described as loadable", async () => {
    await using server = await startServer({
      config: `plugin:\n  ekuiperBinary: ${go.sameHost}\n`,
    });
    await using files = startFileServer({ "/echo.zip": realZip() });
    const res = await server.send("POST", "/plugins/functions", {
      name: "echo",
      file: files.url("/echo.zip"),
    });
    expect(res.status).toBe(201);
    const described = (await (await server.request("/plugins/functions/echo")).json()) as {
      goPackages: number;
      loadableBy: unknown;
    };
    expect(described.goPackages).toBeGreaterThan(0);
    expect(described.loadableBy).toEqual({ binary: go.sameHost, ok: true, mismatched: [] });
    // Go's loader agrees.
    expect(run(go.sameHost, join(server.home, "plugins", "functions", "Echo.so"))).toBe("loaded");
  });

  test("a plugin built against another version of a shared package is refused, naming it", async () => {
    await using server = await startServer({
      config: `plugin:\n  ekuiperBinary: ${go.otherHost}\n`,
    });
    await using files = startFileServer({ "/echo.zip": realZip() });
    const res = await server.send("POST", "/plugins/functions", {
      name: "echo",
      file: files.url("/echo.zip"),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(
      `create functions plugin echo: Echo.so would be refused by eKuiper at ${go.otherHost}: it was built with a different version of package github.com/lf-edge/ekuiper/pkg/api`,
    );
    expect(await (await server.request("/plugins/functions")).json()).toEqual([]);
    // Go's loader agrees.
    expect(run(go.otherHost, go.so)).toContain(
      "plugin was built with a different version of package github.com/lf-edge/ekuiper/pkg/api",
    );
  });

  test("a .so that is not a Go plugin is accepted with a warning; without the key nothing is compared", async () => {
    await using server = await startServer({
      config: `plugin:\n  ekuiperBinary: ${go.otherHost}\n`,
    });
    await using files = startFileServer({
      "/fake.zip": nativePluginZip({ type: "sinks", name: "fake" }),
      "/echo.zip": realZip(),
    });
    expect(
      (await server.send("POST", "/plugins/sinks", { name: "fake", file: files.url("/fake.zip") }))
        .status,
    ).toBe(201);
    expect(server.logs.some((l) => String(l.msg).includes("is not a Go plugin"))).toBe(true);
    await using plain = await startServer();
    expect(
      (
        await plain.send("POST", "/plugins/functions", {
          name: "echo",
          file: files.url("/echo.zip"),
        })
      ).status,
    ).toBe(201);
    const described = (await (await plain.request("/plugins/functions/echo")).json()) as Record<
      string,
      unknown
    >;
    expect(described.goPackages).toBeGreaterThan(0);
    expect(described.loadableBy).toBeUndefined();
  });
});
