// /data/export and /data/import: eKuiper's format, all-or-nothing sets, plans, no reinstalls.
import { describe, expect, test } from "bun:test";
import { rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { journalStates, snapshot } from "./support/snapshot.ts";
import { waitFor } from "./support/wait.ts";

interface Answer {
  ErrorMsg: string;
  ConfigResponse: Record<string, Record<string, string>>;
  plan: { key: string; action: string }[];
}

const zips = () => ({
  "/random.zip": nativePluginZip({ type: "sources", name: "random" }),
  "/file.zip": nativePluginZip({ type: "sinks", name: "file" }),
  "/echo.zip": nativePluginZip({ type: "functions", name: "echo" }),
});

function exportOf(urls: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    streams: {},
    tables: {},
    rules: {},
    nativePlugins: Object.fromEntries(
      Object.entries(urls).map(([key, file]) => {
        const name = key.slice(key.indexOf("_") + 1);
        const body = key.startsWith("functions_")
          ? { name, file, functions: ["echo"] }
          : { name, file };
        return [key, JSON.stringify(body)];
      }),
    ),
    portablePlugins: {},
    sourceConfig: {},
    sinkConfig: {},
    connectionConfig: {},
    Service: {},
    Schema: {},
    uploads: {},
    scripts: {},
    ...extra,
  };
}

const importIt = (server: TestServer, content: unknown, query = "") =>
  server.send("POST", `/data/import${query}`, { content: JSON.stringify(content) });

describe("/data/export and /data/import", () => {
  test("exports in eKuiper's shape and key order, and an export imports into a second plugd", async () => {
    await using a = await startServer();
    await using files = startFileServer(zips());
    for (const [type, name] of [
      ["sources", "random"],
      ["sinks", "file"],
    ]) {
      const body = {
        name,
        file: files.url(`/${name}.zip`),
        ...(name === "file" ? { shellParas: [] } : {}),
      };
      expect((await a.send("POST", `/plugins/${type}`, body)).status).toBe(201);
    }
    const fn = { name: "echo", file: files.url("/echo.zip"), functions: ["echo", "echo2"] };
    expect((await a.send("POST", "/plugins/functions", fn)).status).toBe(201);
    const res = await a.request("/data/export");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="ekuiper_export.json"',
    );
    const text = await res.text();
    expect(Object.keys(JSON.parse(text))).toEqual([
      "streams",
      "tables",
      "rules",
      "nativePlugins",
      "portablePlugins",
      "sourceConfig",
      "sinkConfig",
      "connectionConfig",
      "Service",
      "Schema",
      "uploads",
      "scripts",
    ]);
    const exported = JSON.parse(text) as { nativePlugins: Record<string, string> };
    expect(exported.nativePlugins).toEqual({
      functions_echo: JSON.stringify({
        name: "echo",
        file: files.url("/echo.zip"),
        functions: ["echo", "echo2"],
      }),
      sinks_file: JSON.stringify({ name: "file", file: files.url("/file.zip") }),
      sources_random: JSON.stringify({ name: "random", file: files.url("/random.zip") }),
    });
    await using b = await startServer();
    const answer = await b.send("POST", "/data/import", { content: text });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as Answer;
    expect(body.ErrorMsg).toBe("");
    expect(body.plan.map((p) => `${p.key}:${p.action}`).sort()).toEqual([
      "functions_echo:install",
      "sinks_file:install",
      "sources_random:install",
    ]);
    for (const type of ["sources", "sinks", "functions"]) {
      expect(await (await b.request(`/plugins/${type}`)).json()).toEqual(
        await (await a.request(`/plugins/${type}`)).json(),
      );
    }
    expect(await (await b.request("/plugins/udfs")).json()).toEqual(["echo", "echo2"]);
    expect(await (await b.request("/data/export")).text()).toBe(text);
  });

  test("a failing URL in the middle of a set changes nothing, and says which key failed", async () => {
    await using server = await startServer();
    await using files = startFileServer(zips());
    expect(
      (await server.send("POST", "/plugins/sinks", { name: "file", file: files.url("/file.zip") }))
        .status,
    ).toBe(201);
    const before = snapshot(server);
    const res = await importIt(
      server,
      exportOf({
        sources_random: files.url("/random.zip"),
        sinks_gone: files.url("/missing.zip"),
        functions_echo: files.url("/echo.zip"),
      }),
    );
    expect(res.status).toBe(400);
    const { message } = (await res.json()) as { message: string };
    const errors = JSON.parse(message.slice("import: ".length)) as Answer["ConfigResponse"];
    expect(Object.keys(errors.nativePlugins ?? {})).toEqual(["sinks_gone"]);
    expect(snapshot(server)).toEqual(before);
  });

  test("a dry run answers the plan and changes nothing; re-applying the same set reinstalls nothing", async () => {
    await using server = await startServer();
    await using files = startFileServer(zips());
    const set = exportOf({
      sources_random: files.url("/random.zip"),
      sinks_file: files.url("/file.zip"),
    });
    expect((await importIt(server, set)).status).toBe(200);
    const so = join(server.home, "plugins", "sources", "Random@v1.0.0.so");
    const before = {
      snap: snapshot(server),
      ino: statSync(so).ino,
      hits: files.hits("/random.zip"),
    };
    const dry = (await (
      await importIt(server, exportOf({ sinks_file: files.url("/file.zip") }), "?dryRun=1")
    ).json()) as Answer;
    expect(dry.plan.map((p) => `${p.key}:${p.action}`).sort()).toEqual([
      "sinks_file:unchanged",
      "sources_random:remove",
    ]);
    expect(snapshot(server)).toEqual(before.snap);
    const again = (await (await importIt(server, set)).json()) as Answer;
    expect(again.plan.every((p) => p.action === "unchanged")).toBe(true);
    expect(statSync(so).ino).toBe(before.ino);
    expect(files.hits("/random.zip")).toBe(before.hits);
    expect(snapshot(server)).toEqual(before.snap);
  });

  test("a full import removes what the set lacks; a partial one only installs what is absent", async () => {
    await using server = await startServer();
    await using files = startFileServer(zips());
    expect(
      (await importIt(server, exportOf({ sources_random: files.url("/random.zip") }))).status,
    ).toBe(200);
    const partial = await importIt(
      server,
      exportOf({ sinks_file: files.url("/file.zip") }),
      "?partial=1",
    );
    expect(partial.status).toBe(200);
    expect(await (await server.request("/plugins/sources")).json()).toEqual(["random"]);
    expect(await (await server.request("/plugins/sinks")).json()).toEqual(["file"]);
    const full = await importIt(server, exportOf({ sinks_file: files.url("/file.zip") }));
    expect(full.status).toBe(200);
    expect(await (await server.request("/plugins/sources")).json()).toEqual([]);
    expect(await (await server.request("/plugins/sinks")).json()).toEqual(["file"]);
  });

  test("reports sections plugd does not run per key, and applies the rest", async () => {
    await using server = await startServer();
    await using files = startFileServer(zips());
    const set = exportOf(
      { sinks_file: files.url("/file.zip") },
      {
        rules: { r1: '{"id":"r1","sql":"SELECT * FROM s"}' },
        streams: { s: "CREATE STREAM s () WITH ()" },
      },
    );
    const res = await importIt(server, set);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Answer;
    expect(body.ConfigResponse.rules).toEqual({
      r1: "not applied: plugd manages plugins only and does not run rules",
    });
    expect(body.ConfigResponse.streams?.s).toStartWith("not applied:");
    expect(await (await server.request("/plugins/sinks")).json()).toEqual(["file"]);
    expect(await (await server.request("/data/import/status")).json()).toMatchObject({
      rules: body.ConfigResponse.rules,
    });
  });

  test("refuses both content and file, or neither, as eKuiper does", async () => {
    await using server = await startServer();
    const both = await server.send("POST", "/data/import", {
      content: "{}",
      file: "http://x/e.json",
    });
    expect(((await both.json()) as { message: string }).message).toBe(
      "import: Invalid body: Cannot specify both content and file",
    );
    const neither = await server.send("POST", "/data/import", {});
    expect(((await neither.json()) as { message: string }).message).toBe(
      "import: Invalid body: must specify content or file",
    );
  });

  test("the v2 export is YAML with the requests as objects, and imports back", async () => {
    await using server = await startServer();
    await using files = startFileServer(zips());
    expect((await importIt(server, exportOf({ sinks_file: files.url("/file.zip") }))).status).toBe(
      200,
    );
    const yaml = await (await server.request("/v2/data/export")).text();
    const parsed = Bun.YAML.parse(yaml) as { nativePlugins: Record<string, unknown> };
    expect(parsed.nativePlugins).toEqual({
      sinks_file: { name: "file", file: files.url("/file.zip") },
    });
    await using other = await startServer();
    const res = await other.send("POST", "/v2/data/import", { content: yaml });
    expect(res.status).toBe(200);
    expect(await (await other.request("/plugins/sinks")).json()).toEqual(["file"]);
  });
});

test("imports portable plugins too, which start, and keeps a sha256 pin in the export", async () => {
  await using server = await startServer({ config: "portable:\n  initTimeout: 10s\n" });
  const name = uniquePluginName();
  const zip = portablePluginZip({ name });
  const sha256 = new Bun.CryptoHasher("sha256").update(zip).digest("hex");
  await using files = startFileServer({ "/p.zip": zip });
  const portablePlugins = { [name]: JSON.stringify({ name, file: files.url("/p.zip"), sha256 }) };
  const res = await importIt(server, exportOf({}, { portablePlugins }));
  expect(res.status).toBe(200);
  const status = await (await server.request(`/plugins/portables/${name}/status`)).json();
  expect(status).toMatchObject({ status: "running" });
  const exported = (await (await server.request("/data/export")).json()) as {
    portablePlugins: Record<string, string>;
  };
  expect(exported.portablePlugins).toEqual(portablePlugins);
});

test("applies sourceConfig sections to the source's yaml, keeping its default, and exports them", async () => {
  await using server = await startServer();
  await using files = startFileServer(zips());
  const sourceConfig = {
    random: JSON.stringify({ fast: { interval: 10 } }),
    nope: JSON.stringify({ x: { a: 1 } }),
    "../../etc/plugd": JSON.stringify({ x: { a: 1 } }),
  };
  const res = await importIt(
    server,
    exportOf({ sources_random: files.url("/random.zip") }, { sourceConfig }),
  );
  expect(res.status).toBe(200);
  const body = (await res.json()) as Answer;
  expect(body.ConfigResponse.sourceConfig?.nope).toStartWith("not applied:");
  expect(body.ConfigResponse.sourceConfig?.["../../etc/plugd"]).toBe(
    "invalid name ../../etc/plugd",
  );
  const yaml = Bun.YAML.parse(await Bun.file(join(server.home, "etc/sources/random.yaml")).text());
  expect(yaml).toEqual({ default: { interval: 1000 }, fast: { interval: 10 } });
  const exported = (await (await server.request("/data/export")).json()) as {
    sourceConfig: Record<string, string>;
  };
  expect(exported.sourceConfig).toEqual({ random: sourceConfig.random });
});

test("stores the export's uploads first, so its plugins may install from them", async () => {
  await using server = await startServer();
  const uploads = {
    "notes.txt": JSON.stringify({ name: "notes.txt", content: "hello" }),
    "bad name": JSON.stringify({ name: "bad name", content: "x" }),
  };
  const res = await importIt(server, exportOf({}, { uploads }));
  expect(res.status).toBe(200);
  const body = (await res.json()) as Answer;
  expect(Object.keys(body.ConfigResponse.uploads ?? {})).toEqual(["bad name"]);
  expect(await Bun.file(join(server.home, "data/uploads/notes.txt")).text()).toBe("hello");
  const exported = (await (await server.request("/data/export")).json()) as {
    uploads: Record<string, string>;
  };
  expect(exported.uploads).toEqual({ "notes.txt": uploads["notes.txt"] });
});

describe("/async/data/import", () => {
  interface Task {
    id: string;
    status: string;
    message: string;
    createdTimestamp: number;
    progress: { done: number; total: number; current: string | null };
  }
  const taskOf = async (server: TestServer, id: string) =>
    (await (await server.request(`/async/task/${id}`)).json()) as Task;

  test("runs an import in the background with eKuiper's task status and plugd's progress", async () => {
    await using server = await startServer();
    await using files = startFileServer(zips());
    const set = exportOf({
      sources_random: files.url("/random.zip"),
      sinks_file: files.url("/file.zip"),
    });
    const res = await server.send("POST", "/async/data/import", { content: JSON.stringify(set) });
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^dataImport-\d+$/);
    await waitFor(async () => (await taskOf(server, id)).status === "finish", "the task to finish");
    const task = await taskOf(server, id);
    expect(task.progress).toEqual({ done: 2, total: 2, current: null });
    expect((JSON.parse(task.message) as Answer).ErrorMsg).toBe("");
    expect(await (await server.request("/plugins/sinks")).json()).toEqual(["file"]);
    expect((await server.request("/async/task/dataImport-1")).status).toBe(404);
  });

  test("a cancelled import stops before its next plugin and commits nothing", async () => {
    await using server = await startServer();
    const gate = join(tmpdir(), `plugd-gate-${crypto.randomUUID()}`);
    // The first plugin's install.sh waits for the test, so the cancel lands mid-import.
    const installSh = `while [ ! -f ${gate} ]; do sleep 0.05; done\n`;
    await using files = startFileServer({
      ...zips(),
      "/slow.zip": nativePluginZip({ type: "sinks", name: "slow", installSh }),
    });
    const before = snapshot(server);
    const set = exportOf({
      sinks_slow: files.url("/slow.zip"),
      sources_random: files.url("/random.zip"),
    });
    const { id } = (await (
      await server.send("POST", "/async/data/import", { content: JSON.stringify(set) })
    ).json()) as { id: string };
    await waitFor(
      async () => (await taskOf(server, id)).progress.current === "sinks_slow",
      "the slow plugin",
    );
    expect((await server.send("POST", `/async/task/${id}/cancel`, {})).status).toBe(200);
    await Bun.write(gate, "");
    // The staged plugin's change is marked failed once the import has stopped.
    await waitFor(
      () => journalStates(server, "sinks", "slow")[0] === "failed",
      "the import to stop",
    );
    expect((await taskOf(server, id)).status).toBe("cancel");
    expect(files.hits("/random.zip")).toBe(0);
    expect(snapshot(server)).toEqual(before);
    rmSync(gate, { force: true });
    expect(await (await server.request("/plugins/sinks")).json()).toEqual([]);
  });
});

test("a source yaml that cannot be read is reported for its key; the plugin set stays applied", async () => {
  await using server = await startServer();
  await using files = startFileServer(zips());
  expect(
    (await importIt(server, exportOf({ sources_random: files.url("/random.zip") }))).status,
  ).toBe(200);
  await Bun.write(join(server.home, "etc/sources/random.yaml"), "default: [unclosed\n");
  const sourceConfig = { random: JSON.stringify({ fast: { interval: 10 } }) };
  const res = await importIt(
    server,
    exportOf({ sources_random: files.url("/random.zip") }, { sourceConfig }),
  );
  expect(res.status).toBe(200);
  const body = (await res.json()) as Answer;
  expect(body.ConfigResponse.sourceConfig?.random).toStartWith("not applied: ");
  expect(await (await server.request("/plugins/sources")).json()).toEqual(["random"]);
});
