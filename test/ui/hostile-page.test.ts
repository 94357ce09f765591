// A hostile page of another site, open in the same browser as plugd's console, cannot change plugd.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { hasChromium, startBrowser, type TestBrowser } from "../support/browser.ts";
import { startServer, type TestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const slow = 30_000;
let server: TestServer;
let browser: TestBrowser;

beforeAll(async () => {
  if (!hasChromium) return;
  server = await startServer();
  browser = await startBrowser();
});

afterAll(async () => {
  if (!hasChromium) return;
  await browser[Symbol.asyncDispose]();
  await server[Symbol.asyncDispose]();
});

/**
 * What such a page can do without CORS: a "simple" POST (text/plain, no preflight) whose body
 * is JSON, which plugd reads whatever its Content-Type, and a WebSocket, which has no CORS.
 */
function hostilePage(plugd: string): string {
  const script = `
    const plugd = ${JSON.stringify(plugd)};
    const done = [];
    const body = JSON.stringify({ name: "pwned.txt", content: "written by another site" });
    fetch(plugd + "/config/uploads", { method: "POST", mode: "no-cors", body,
      headers: { "content-type": "text/plain" } })
      .then(() => done.push("post sent"), (e) => done.push("post failed " + e))
      .then(() => new Promise((resolve) => {
        const ws = new WebSocket(plugd.replace("http", "ws") + "/plugins/portables/p/sinks/s/ws");
        ws.onopen = () => resolve(done.push("ws open"));
        ws.onerror = () => resolve(done.push("ws refused"));
      }))
      .then(() => { document.title = done.join(", "); });`;
  return `<!doctype html><title>hostile</title><script>${script}</script>`;
}

describe.skipIf(!hasChromium)("a page of another site in the browser", () => {
  test(
    "cannot upload through a simple POST nor open a WebSocket: plugd refuses both with 403",
    async () => {
      // localhost is another site than 127.0.0.1, so Chromium marks the requests cross-site.
      await using hostile = Bun.serve({
        hostname: "127.0.0.1",
        port: 0,
        fetch: () =>
          new Response(hostilePage(server.url), { headers: { "content-type": "text/html" } }),
      });
      const origin = `http://localhost:${hostile.port}`;
      await using watched = await browser.open(origin);
      await watched.page.goto(`${origin}/`);
      await waitFor(
        async () => (await watched.page.title()) !== "hostile",
        "the hostile page's attempts",
      );
      expect(await watched.page.title()).toBe("post sent, ws refused");
      expect(existsSync(join(server.home, "data/uploads/pwned.txt"))).toBe(false);
      const refusals = server.logs
        .filter((line) => line.status === 403)
        .map((line) => `${String(line.method)} ${String(line.path)}`);
      expect(refusals).toEqual(["POST /config/uploads", "GET /plugins/portables/p/sinks/s/ws"]);
      expect(await (await server.request("/config/uploads")).json()).toEqual([]);
    },
    slow,
  );
});
