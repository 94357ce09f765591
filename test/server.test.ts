// Server routes: /ping, /, the OpenAPI description, unknown routes, prebuilt plugin lists.
import { describe, expect, test } from "bun:test";
import { serverArchitecture } from "../src/install/elf.ts";
import { prebuildList } from "../src/install/prebuild.ts";
import { startServer } from "./support/server.ts";

/** Go's (and so eKuiper's) names for the CPUs plugd is built for. */
const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64" };

/** This machine's distribution family as eKuiper's prebuild URLs name it, from os-release's ID. */
async function distroFamily(): Promise<string> {
  const osRelease = await Bun.file("/etc/os-release").text();
  return /^ID="?alpine"?$/m.test(osRelease) ? "alpine" : "debian";
}

describe("server routes", () => {
  test("answers GET /ping with 200 and an empty body", async () => {
    await using server = await startServer();
    const res = await server.request("/ping");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  test("answers GET / with the version, os, Go's name of this CPU and a whole uptime that never goes back", async () => {
    const started = Date.now();
    await using server = await startServer();
    const info = async () =>
      (await (await server.request("/")).json()) as Record<string, unknown> & {
        upTimeSeconds: number;
      };
    const first = await info();
    expect(Object.keys(first).sort()).toEqual(["arch", "os", "upTimeSeconds", "version"]);
    expect(first.os).toBe(process.platform);
    expect(first.arch).toBe(goArch[process.arch]);
    expect(first.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Number.isInteger(first.upTimeSeconds)).toBe(true);
    expect(first.upTimeSeconds).toBeGreaterThanOrEqual(0);
    const second = await info();
    expect(second.upTimeSeconds).toBeGreaterThanOrEqual(first.upTimeSeconds);
    expect(second.upTimeSeconds).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000));
  });

  test.each(Object.entries(goArch))("names the CPU %s as Go does: %s", (nodeArch, name) => {
    expect(serverArchitecture(nodeArch)).toBe(name);
  });

  test("serves an OpenAPI description of every route", async () => {
    await using server = await startServer();
    const res = await server.request("/openapi/json");
    expect(res.status).toBe(200);
    const spec = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    for (const route of [
      "GET /ping",
      "POST /plugins/sources",
      "PUT /plugins/sinks/{name}",
      "DELETE /plugins/functions/{name}",
      "POST /plugins/functions/{name}/register",
      "GET /plugins/udfs/{name}",
      "GET /plugins/sources/prebuild",
      "POST /config/uploads",
      "DELETE /config/uploads/{name}",
    ]) {
      expect(routes).toContain(route);
    }
  });

  test("an unknown route is a JSON 404 with code 1002", async () => {
    await using server = await startServer();
    const res = await server.request("/no/such/route");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 1002, message: "no route GET /no/such/route" });
  });
});

describe("GET /plugins/{type}/prebuild", () => {
  test("maps each configured name to its URL on every plugin host", async () => {
    await using server = await startServer({
      config: [
        "basic:",
        "  pluginHosts: https://a.example, https://b.example/",
        "prebuild:",
        "  version: 1.2.3",
        "  sinks: [zmq]",
      ].join("\n"),
    });
    const res = await server.request("/plugins/sinks/prebuild");
    expect(res.status).toBe(200);
    const arch = goArch[process.arch];
    expect(await res.json()).toEqual({
      zmq: `https://b.example/kuiper-plugins/1.2.3/${await distroFamily()}/sinks/zmq_${arch}.zip`,
    });
  });

  test.each([
    ['PRETTY_NAME="Alpine Linux v3.20"\nID=alpine\n', "alpine"],
    ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', "debian"],
    ['PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\n', "debian"],
    [undefined, "debian"],
  ])("names the distribution of os-release %j as %s in the URL", (osRelease, distro) => {
    const settings = {
      pluginHosts: "https://h.example",
      version: "1.2.3",
      names: { sources: [], sinks: ["zmq"], functions: [] },
    };
    expect(prebuildList("sinks", settings, { os: "linux", arch: "amd64", osRelease })).toEqual({
      zmq: `https://h.example/kuiper-plugins/1.2.3/${distro}/sinks/zmq_amd64.zip`,
    });
  });

  test("lists eKuiper's default names for sources", async () => {
    await using server = await startServer();
    const list = (await (await server.request("/plugins/sources/prebuild")).json()) as Record<
      string,
      string
    >;
    expect(Object.keys(list).sort()).toEqual(["kafka", "random", "sql", "video", "zmq"]);
    expect(list.random).toStartWith("https://packages.emqx.net/kuiper-plugins/");
  });
});
