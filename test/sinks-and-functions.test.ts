// POST …/sinks/{sink}/send (and its WebSocket), POST /plugins/udfs/{fn}/call, and native 501s.
import { describe, expect, test } from "bun:test";
import { startFileServer } from "./support/http-fixtures.ts";
import { libnngPath } from "./support/libnng.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { waitFor } from "./support/wait.ts";

// The default sinkIdle (60 s) keeps every instance open for a whole test on any machine; only
// the idle-close test shortens it, and waits for the close rather than for the time.
const fast = "portable:\n  initTimeout: 10s\n  stopTimeout: 2s\n";
const quickIdle = `${fast}dataplane:\n  sinkIdle: 300ms\n`;
const SLOW = { timeout: 30_000 };

interface Session {
  id: string;
  kind: string;
  symbol: string;
  messages: number;
}

async function installed(server: TestServer, spec: { functions?: string[] } = {}) {
  const name = uniquePluginName();
  const functions = spec.functions ?? ["echo"];
  const manifest = { functions };
  const zip = portablePluginZip(
    { name, manifest, behaviour: { functions } },
    {
      "functions/echo.json": null,
    },
  );
  await using files = startFileServer({ "/p.zip": zip });
  const res = await server.send("POST", "/plugins/portables", { name, file: files.url("/p.zip") });
  expect(res.status).toBe(201);
  return name;
}

const logsOf = async (server: TestServer, name: string) =>
  (await server.request(`/plugins/portables/${name}/logs?lines=200`)).text();
const sessionsOf = async (server: TestServer, name: string) =>
  (await (await server.request(`/plugins/portables/${name}/sessions`)).json()) as Session[];

describe("sinks over REST", () => {
  test(
    "sends an object, an array and NDJSON to one reused sink instance",
    async () => {
      await using server = await startServer({ config: fast });
      const name = await installed(server);
      const path = `/plugins/portables/${name}/sinks/file/send`;
      const one = await server.send("POST", path, { a: 1 });
      expect(await one.json()).toEqual({ sent: 1 });
      const many = await server.send("POST", path, [{ b: 2 }, { c: 3 }]);
      expect(await many.json()).toEqual({ sent: 2 });
      const ndjson = await server.request(path, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: '{"d":4}\n{"e":5}\n',
      });
      expect(await ndjson.json()).toEqual({ sent: 2 });
      const sessions = await sessionsOf(server, name);
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ kind: "sink", symbol: "file", messages: 5 });
      for (const text of ['{"a":1}', '{"c":3}', '{"e":5}']) {
        await waitFor(
          async () => (await logsOf(server, name)).includes(`sink file received ${text}`),
          text,
        );
      }
    },
    SLOW,
  );

  test(
    "closes a sink instance when it has been idle for dataplane.sinkIdle",
    async () => {
      await using server = await startServer({ config: quickIdle });
      const name = await installed(server);
      expect(
        (await server.send("POST", `/plugins/portables/${name}/sinks/file/send`, { a: 1 })).status,
      ).toBe(200);
      await waitFor(async () => (await sessionsOf(server, name)).length === 0, "the idle close");
      // The plugin itself says it was told to stop the sink.
      await waitFor(
        async () => (await logsOf(server, name)).includes("stopped sink file"),
        "the stop",
      );
    },
    SLOW,
  );

  test(
    "with requireAck, a message the sink refuses is reported by its index",
    async () => {
      await using server = await startServer({ config: fast });
      const name = await installed(server);
      const props = encodeURIComponent(JSON.stringify({ requireAck: true }));
      const res = await server.send(
        "POST",
        `/plugins/portables/${name}/sinks/file/send?props=${props}`,
        [{ ok: 1 }, { fail: true }, { ok: 2 }],
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        sent: 2,
        failed: [{ index: 1, error: "sink file failed: refusing on purpose" }],
      });
    },
    SLOW,
  );

  test(
    "a WebSocket takes one message per text frame and answers each",
    async () => {
      await using server = await startServer({ config: fast });
      const name = await installed(server);
      const ws = new WebSocket(
        `${server.url.replace("http", "ws")}/plugins/portables/${name}/sinks/file/ws`,
      );
      const answers: string[] = [];
      ws.onmessage = (event) => answers.push(String(event.data));
      await new Promise<void>((resolve) => {
        ws.onopen = () => resolve();
      });
      ws.send('{"w":1}');
      ws.send('{"w":2}');
      await waitFor(() => answers.length === 2, "two answers");
      expect(answers.map((a) => JSON.parse(a))).toEqual([{ sent: 1 }, { sent: 1 }]);
      ws.close();
      await waitFor(
        async () => (await logsOf(server, name)).includes('sink file received {"w":2}'),
        "frame 2",
      );
    },
    SLOW,
  );

  test(
    "caps the sink instances a plugin may have open at 32",
    async () => {
      await using server = await startServer({ config: fast });
      const name = await installed(server);
      const send = (n: number) => {
        const props = encodeURIComponent(JSON.stringify({ n }));
        return server.send("POST", `/plugins/portables/${name}/sinks/file/send?props=${props}`, {});
      };
      for (let n = 0; n < 32; n++) expect((await send(n)).status).toBe(200);
      const refused = await send(32);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { message: string }).message).toContain(
        "has 32 sink instances open",
      );
      expect((await send(0)).status).toBe(200);
      expect(await sessionsOf(server, name)).toHaveLength(32);
    },
    SLOW,
  );

  test(
    "refuses a body that is not objects, and an unknown sink",
    async () => {
      await using server = await startServer({ config: fast });
      const name = await installed(server);
      const bad = await server.send("POST", `/plugins/portables/${name}/sinks/file/send`, [1, 2]);
      expect(bad.status).toBe(400);
      const unknown = await server.send("POST", `/plugins/portables/${name}/sinks/nope/send`, {});
      expect(unknown.status).toBe(404);
      expect(await sessionsOf(server, name)).toEqual([]);
    },
    SLOW,
  );
});

const noLibnng = libnngPath() === undefined;
if (noLibnng) console.warn("skipping the libnng data-plane test: libnng1 is not installed");

describe.skipIf(noLibnng)("functions over REST, of a libnng plugin", () => {
  test(
    "a function of a plugin built on the real libnng answers by name",
    async () => {
      await using server = await startServer({ config: fast });
      const name = uniquePluginName();
      const fn = `${name}_up`;
      const manifest = { sources: [], sinks: [], functions: [fn] };
      const none = { "sources/random.yaml": null, "sources/random.json": null };
      const zip = portablePluginZip(
        { name, kind: "libnng", manifest },
        {
          ...none,
          "sinks/file.json": null,
          "functions/echo.json": null,
        },
      );
      await using files = startFileServer({ "/p.zip": zip });
      const res = await server.send("POST", "/plugins/portables", {
        name,
        file: files.url("/p.zip"),
      });
      expect(res.status).toBe(201);
      const call = await server.send("POST", `/plugins/udfs/${fn}/call`, { args: [{ n: 1 }] });
      expect(await call.json()).toEqual({ result: { n: 1 } });
    },
    SLOW,
  );
});

describe("functions over REST", () => {
  test(
    "calls a portable plugin's function by name, started once and shown in refCount",
    async () => {
      await using server = await startServer({ config: fast });
      const name = await installed(server, { functions: ["shout"] });
      const call = (args: unknown[]) => server.send("POST", "/plugins/udfs/shout/call", { args });
      const first = await call(["hi"]);
      expect(await first.json()).toEqual({ result: "hi" });
      expect(await (await call([42])).json()).toEqual({ result: 42 });
      const failed = await call(["fail"]);
      expect(failed.status).toBe(400);
      expect(((await failed.json()) as { message: string }).message).toBe(
        "call function shout: function shout failed: failing on purpose",
      );
      // Validate is asked once per argument count: two arguments are a new count.
      const invalid = await call(["invalid", "x"]);
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { message: string }).message).toBe(
        "call function shout: function shout refused its arguments: refusing these arguments on purpose",
      );
      const [session] = await sessionsOf(server, name);
      expect(session).toMatchObject({ kind: "function", symbol: "shout", messages: 4 });
      const status = await (await server.request(`/plugins/portables/${name}/status`)).json();
      expect(status).toMatchObject({ refCount: { [session?.id ?? ""]: 1 } });
    },
    SLOW,
  );

  test("a native plugin's source, sink or function is a 501 that says why; an unknown one a 404", async () => {
    await using server = await startServer();
    await using files = startFileServer({
      "/s.zip": nativePluginZip({ type: "sources", name: "nsrc" }),
      "/k.zip": nativePluginZip({ type: "sinks", name: "nsink" }),
      "/f.zip": nativePluginZip({ type: "functions", name: "nfn" }),
    });
    for (const [type, n, zip] of [
      ["sources", "nsrc", "/s.zip"],
      ["sinks", "nsink", "/k.zip"],
      ["functions", "nfn", "/f.zip"],
    ]) {
      expect(
        (await server.send("POST", `/plugins/${type}`, { name: n, file: files.url(zip ?? "") }))
          .status,
      ).toBe(201);
    }
    const answers = [
      await server.request("/plugins/sources/nsrc/stream"),
      await server.send("POST", "/plugins/sinks/nsink/send", {}),
      await server.send("POST", "/plugins/udfs/nfn/call", { args: [] }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(501);
      expect(((await res.json()) as { message: string }).message).toContain(
        "a Go plugin only eKuiper can load",
      );
    }
    expect((await server.request("/plugins/sources/none/stream")).status).toBe(404);
    expect((await server.send("POST", "/plugins/udfs/none/call", { args: [] })).status).toBe(404);
  });
});
