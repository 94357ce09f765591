// Server routes: /ping, /, the OpenAPI description, unknown routes, prebuilt plugin lists.
import { describe, expect, test } from "bun:test";
import { startServer } from "./support/server.ts";

describe("server routes", () => {
  test("GET /ping answers 200 with an empty body", async () => {
    await using server = await startServer();
    const res = await server.request("/ping");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  test("GET / tells version, os, arch and uptime", async () => {
    await using server = await startServer();
    const info = (await (await server.request("/")).json()) as Record<string, unknown>;
    expect(Object.keys(info).sort()).toEqual(["arch", "os", "upTimeSeconds", "version"]);
    expect(info.os).toBe(process.platform);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof info.upTimeSeconds).toBe("number");
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
    const arch = process.arch === "arm64" ? "arm64" : "amd64";
    const os = (await Bun.file("/etc/os-release").text()).match(/^PRETTY_NAME=.*alpine/im)
      ? "alpine"
      : "debian";
    expect(await res.json()).toEqual({
      zmq: `https://b.example/kuiper-plugins/1.2.3/${os}/sinks/zmq_${arch}.zip`,
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
