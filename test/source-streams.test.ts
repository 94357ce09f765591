// GET /plugins/portables/{p}/sources/{s}/stream: a running source's messages over SSE, NDJSON, WebSocket.
import { describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { uniquePluginName } from "./support/portable-plugins/fixture-plugin.ts";
import { portablePluginZip } from "./support/portable-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { makeSigner } from "./support/tokens.ts";
import { waitFor } from "./support/wait.ts";

const fast = "portable:\n  initTimeout: 10s\n  stopTimeout: 2s\n";
const SLOW = { timeout: 30_000 };

interface Session {
  id: string;
  symbol: string;
  properties: Record<string, unknown>;
  clients: string[];
  messages: number;
}

async function withPlugin(server: TestServer): Promise<{ name: string } & AsyncDisposable> {
  const name = uniquePluginName();
  const files = startFileServer({ "/p.zip": portablePluginZip({ name }) });
  const res = await server.send("POST", "/plugins/portables", { name, file: files.url("/p.zip") });
  expect(res.status).toBe(201);
  return { name, [Symbol.asyncDispose]: async () => files[Symbol.asyncDispose]() };
}

/** Reads a streamed body as text, chunk by chunk, until `done` says it has what it waits for. */
async function readUntil(body: ReadableStream<Uint8Array>, done: (text: string) => boolean) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
  }
  return { text, reader };
}

/** What is left of a stream until it ends. */
async function readRest(reader: Awaited<ReturnType<typeof readUntil>>["reader"]) {
  const decoder = new TextDecoder();
  let value = "";
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return { value };
    value += decoder.decode(chunk.value, { stream: true });
  }
}

const sessionsOf = async (server: TestServer, name: string) =>
  (await (await server.request(`/plugins/portables/${name}/sessions`)).json()) as Session[];

const dataEvents = (text: string) =>
  text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map(
      (block) => JSON.parse(block.slice("data: ".length)) as { message: Record<string, unknown> },
    );

describe("source streams", () => {
  test(
    "streams Server-Sent Events with the yaml's properties, confKey and props laid over each other",
    async () => {
      await using server = await startServer({ config: fast });
      await using plugin = await withPlugin(server);
      writeFileSync(
        join(server.home, "etc/sources/random.yaml"),
        "default:\n  interval: 100\n  seed: 1\nfast:\n  interval: 10\n",
      );
      const query = `datasource=t1&confKey=fast&props=${encodeURIComponent('{"seed":2}')}`;
      const res = await server.request(
        `/plugins/portables/${plugin.name}/sources/random/stream?${query}`,
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toStartWith("text/event-stream");
      const body = res.body;
      if (!body) throw new Error("no body");
      const { text, reader } = await readUntil(body, (t) => dataEvents(t).length >= 2);
      expect(dataEvents(text)[0]?.message).toEqual({
        symbol: "random",
        dataSource: "t1",
        config: { interval: 10, seed: 2 },
        n: 0,
      });
      const [session] = await sessionsOf(server, plugin.name);
      expect(session).toMatchObject({ symbol: "random", clients: ["127.0.0.1"] });
      const status = await (
        await server.request(`/plugins/portables/${plugin.name}/status`)
      ).json();
      expect(status).toMatchObject({ refCount: { [session?.id ?? ""]: 1 } });
      await reader.cancel();
      await waitFor(
        async () => (await sessionsOf(server, plugin.name)).length === 0,
        "the session to end",
      );
      expect(existsSync(`/tmp/${session?.id}_stream_0.ipc`)).toBe(false);
    },
    SLOW,
  );

  test(
    "shares one source start among subscribers with the same properties, as NDJSON",
    async () => {
      await using server = await startServer({ config: fast });
      await using plugin = await withPlugin(server);
      const path = `/plugins/portables/${plugin.name}/sources/random/stream`;
      const headers = { accept: "application/x-ndjson" };
      const [a, b] = await Promise.all([
        server.request(path, { headers }),
        server.request(path, { headers }),
      ]);
      expect(a.headers.get("content-type")).toStartWith("application/x-ndjson");
      const lines = (t: string) => t.split("\n").filter((l) => l !== "");
      const first = await readUntil(
        a.body as ReadableStream<Uint8Array>,
        (t) => lines(t).length >= 2,
      );
      const second = await readUntil(
        b.body as ReadableStream<Uint8Array>,
        (t) => lines(t).length >= 2,
      );
      const sessions = await sessionsOf(server, plugin.name);
      expect(sessions).toHaveLength(1);
      expect(sessions[0]?.clients).toEqual(["127.0.0.1", "127.0.0.1"]);
      const n = (t: string) =>
        (JSON.parse(lines(t)[0] ?? "{}") as { message: { n: number } }).message.n;
      expect(typeof n(first.text)).toBe("number");
      expect(typeof n(second.text)).toBe("number");
      await first.reader.cancel();
      await waitFor(
        async () => (await sessionsOf(server, plugin.name))[0]?.clients.length === 1,
        "one client left",
      );
      await second.reader.cancel();
      await waitFor(
        async () => (await sessionsOf(server, plugin.name)).length === 0,
        "the session to end",
      );
    },
    SLOW,
  );

  test(
    "a WebSocket on the same path gets one text frame per message, and an end when the plugin is deleted",
    async () => {
      await using server = await startServer({ config: fast });
      await using plugin = await withPlugin(server);
      const url = `${server.url.replace("http", "ws")}/plugins/portables/${plugin.name}/sources/random/stream`;
      const ws = new WebSocket(url);
      const frames: string[] = [];
      const closed = new Promise<void>((resolve) => {
        ws.onclose = () => resolve();
      });
      ws.onmessage = (event) => frames.push(String(event.data));
      await waitFor(() => frames.length >= 2, "two frames");
      expect(JSON.parse(frames[0] ?? "{}")).toMatchObject({ message: { symbol: "random" } });
      const res = await server.request(`/plugins/portables/${plugin.name}`, { method: "DELETE" });
      expect(res.status).toBe(200);
      await closed;
      expect(JSON.parse(frames.at(-1) ?? "{}")).toEqual({
        end: `portable plugin ${plugin.name} was deleted`,
      });
    },
    SLOW,
  );

  test(
    "an update ends the stream saying so, and a new stream runs on the new version",
    async () => {
      await using server = await startServer({ config: fast });
      const name = uniquePluginName();
      await using files = startFileServer({ "/p.zip": portablePluginZip({ name }) });
      const body = { name, file: files.url("/p.zip") };
      expect((await server.send("POST", "/plugins/portables", body)).status).toBe(201);
      const path = `/plugins/portables/${name}/sources/random/stream`;
      const res = await server.request(path);
      const first = await readUntil(
        res.body as ReadableStream<Uint8Array>,
        (t) => dataEvents(t).length > 0,
      );
      expect((await server.send("PUT", `/plugins/portables/${name}`, body)).status).toBe(200);
      const { value } = await readRest(first.reader);
      expect(value).toContain(
        `event: end\ndata: {"end":"portable plugin ${name} is being updated; reconnect once it is back"}`,
      );
      const again = await server.request(path);
      const next = await readUntil(
        again.body as ReadableStream<Uint8Array>,
        (t) => dataEvents(t).length > 0,
      );
      await next.reader.cancel();
    },
    SLOW,
  );

  test("with tokens on, a stream, a WebSocket upgrade and the sessions need one", async () => {
    const signer = makeSigner();
    await using server = await startServer({
      config: "basic:\n  authentication: true\n",
      files: { "etc/mgmt/ops.pub": signer.publicPem },
    });
    const base = "/plugins/portables/any";
    for (const path of [`${base}/sources/random/stream`, `${base}/sessions`]) {
      expect((await server.request(path)).status).toBe(401);
    }
    const ws = new WebSocket(`${server.url.replace("http", "ws")}${base}/sources/random/stream`);
    const opened = await new Promise<boolean>((resolve) => {
      ws.onopen = () => resolve(true);
      ws.onclose = () => resolve(false);
    });
    expect(opened).toBe(false);
  });

  test("an unknown source is a 404, and a missing confKey names the file and the key", async () => {
    await using server = await startServer({ config: fast });
    await using plugin = await withPlugin(server);
    const base = `/plugins/portables/${plugin.name}/sources`;
    const unknown = await server.request(`${base}/nope/stream`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toEndWith(
      `portable plugin ${plugin.name} has no source nope`,
    );
    const missing = await server.request(`${base}/random/stream?confKey=absent`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toEndWith(
      `${join(server.home, "etc/sources/random.yaml")} has no section absent`,
    );
    expect(await sessionsOf(server, plugin.name)).toEqual([]);
  });
});
