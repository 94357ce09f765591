// Cross-site requests over real HTTP: another site's page cannot change plugd nor open its sockets.
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startFileServer } from "./support/http-fixtures.ts";
import { nativePluginZip } from "./support/plugin-zips.ts";
import { startServer, type TestServer } from "./support/server.ts";
import { snapshot } from "./support/snapshot.ts";
import { waitFor } from "./support/wait.ts";

const foreign: Record<string, Record<string, string>> = {
  "a foreign Origin": { origin: "http://evil.example" },
  "Origin: null": { origin: "null" },
  "another port of the same host": { origin: "http://127.0.0.1:1" },
  "Sec-Fetch-Site: cross-site": { "sec-fetch-site": "cross-site" },
  "Sec-Fetch-Site: same-site": { "sec-fetch-site": "same-site" },
};

/** A server with native source plugin `random` installed (by a client that is no browser). */
async function withPlugin(): Promise<TestServer> {
  const server = await startServer();
  await using files = startFileServer({
    "/random.zip": nativePluginZip({ type: "sources", name: "random" }),
  });
  const res = await server.send("POST", "/plugins/sources", {
    name: "random",
    file: files.url("/random.zip"),
  });
  expect(res.status).toBe(201);
  return server;
}

const json = (headers: Record<string, string>) => ({
  "content-type": "application/json",
  ...headers,
});

describe("a browser's change request that another site started", () => {
  for (const [name, headers] of Object.entries(foreign)) {
    test(`is refused with 403 and changes nothing: ${name}`, async () => {
      await using server = await withPlugin();
      const before = snapshot(server);
      const audited = () => server.logs.filter((line) => line.module === "audit").length;
      const auditedBefore = audited();
      const changes: [string, string, unknown][] = [
        ["DELETE", "/plugins/sources/random", undefined],
        ["PUT", "/plugins/sources/random", { name: "random", file: "http://127.0.0.1:1/x.zip" }],
        ["POST", "/config/uploads", { name: "notes.txt", content: "hello" }],
      ];
      for (const [method, path, body] of changes) {
        const res = await server.request(path, {
          method,
          headers: json(headers),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        expect(res.status).toBe(403);
        const answer = (await res.json()) as { error: number; message: string };
        expect(answer.error).toBe(1000);
        expect(answer.message).toStartWith(`cross-site request refused: ${method} ${path}: `);
      }
      expect(snapshot(server)).toEqual(before);
      expect(existsSync(join(server.home, "data/uploads/notes.txt"))).toBe(false);
      expect((await server.request("/plugins/sources/random")).status).toBe(200);
      // Refused before the gate: nothing reached a route, so nothing was audited either.
      expect(audited()).toBe(auditedBefore);
    });
  }

  test("names the page's origin and plugd's own in its message", async () => {
    await using server = await withPlugin();
    const res = await server.request("/plugins/sources/random", {
      method: "DELETE",
      headers: { origin: "http://evil.example" },
    });
    expect(((await res.json()) as { message: string }).message).toContain(
      `it comes from a page of http://evil.example, not of plugd's own origin (${server.url})`,
    );
  });

  test("reads are still served (a foreign page cannot read the answers anyway)", async () => {
    await using server = await withPlugin();
    const res = await server.request("/plugins/sources", { headers: foreign["a foreign Origin"] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(["random"]);
  });
});

describe("a change request of plugd's own page or of a client that is no browser", () => {
  test("is served with plugd's own Origin and Sec-Fetch-Site: same-origin", async () => {
    await using server = await withPlugin();
    const headers = { origin: server.url, "sec-fetch-site": "same-origin" };
    const res = await server.request("/plugins/sources/random", { method: "DELETE", headers });
    expect(res.status).toBe(200);
    expect((await server.request("/plugins/sources/random")).status).toBe(404);
  });

  test("is served without Origin or Sec-Fetch-Site, as curl and eKuiper clients send it", async () => {
    await using server = await withPlugin();
    const upload = await server.send("POST", "/config/uploads", {
      name: "notes.txt",
      content: "x",
    });
    expect(upload.status).toBe(201);
    const res = await server.request("/plugins/sources/random", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(existsSync(join(server.home, "data/uploads/notes.txt"))).toBe(true);
  });
});

/** The status line of a raw WebSocket handshake to `path` with `origin`. */
async function upgradeStatus(server: TestServer, path: string, origin: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  let received = "";
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_socket, chunk) {
        received += new TextDecoder().decode(chunk);
      },
    },
  });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
      `Sec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`,
  );
  await waitFor(() => received.includes("\r\n\r\n"), "the handshake's answer");
  socket.end();
  return received.slice(0, received.indexOf("\r\n"));
}

describe("a WebSocket upgrade", () => {
  const path = "/plugins/portables/nothing/sinks/file/ws";

  test("from a foreign Origin is refused with 403", async () => {
    await using server = await startServer();
    expect(await upgradeStatus(server, path, "http://evil.example")).toBe("HTTP/1.1 403 Forbidden");
    const source = "/plugins/portables/nothing/sources/random/stream";
    expect(await upgradeStatus(server, source, "null")).toBe("HTTP/1.1 403 Forbidden");
  });

  test("from plugd's own origin is taken", async () => {
    await using server = await startServer();
    expect(await upgradeStatus(server, path, server.url)).toBe("HTTP/1.1 101 Switching Protocols");
  });
});
