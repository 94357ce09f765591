// /ui/ over HTTP: the embedded page's files, their types and caching, and who may load them.
import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { startServer } from "./support/server.ts";
import { makeSigner } from "./support/tokens.ts";

/** The files index.html names (`./chunk-….js`, `./chunk-….css`). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="\.\/([^"]+)"/g)].flatMap((m) => (m[1] ? [m[1]] : []));
}

/** The status line of a GET of `path` sent as is (fetch would resolve its dot segments first). */
function rawStatus(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: plugd\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (part: Buffer) => {
      text += part.toString("latin1");
    });
    socket.on("end", () => resolve(text.slice(0, text.indexOf("\r\n"))));
    socket.on("error", reject);
  });
}

describe("the console's routes", () => {
  test("serve index.html revalidated (ETag, 304) and hashed chunks cached for good, gzipped when asked", async () => {
    await using server = await startServer();
    const page = await server.request("/ui/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html;charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    const etag = page.headers.get("etag") ?? "";
    const again = await server.request("/ui/", { headers: { "if-none-match": etag } });
    expect({ status: again.status, etag: again.headers.get("etag") }).toEqual({
      status: 304,
      etag,
    });
    const assets = assetsOf(await page.text());
    expect(assets.map((a) => a.replace(/-[a-z0-9]+\./, "-#."))).toEqual([
      "chunk-#.css",
      "chunk-#.js",
    ]);
    for (const asset of assets) {
      const plain = await server.request(`/ui/${asset}`, {
        headers: { "accept-encoding": "identity" },
      });
      // Bun's fetch, not server.request: it must not inflate the answer itself.
      const zipped = await fetch(`${server.url}/ui/${asset}`, {
        headers: { "accept-encoding": "gzip" },
        decompress: false,
      });
      expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(plain.headers.get("content-type")).toMatch(
        asset.endsWith(".js") ? /^text\/javascript/ : /^text\/css/,
      );
      expect(zipped.headers.get("content-encoding")).toBe("gzip");
      const body = new Uint8Array(await plain.arrayBuffer());
      expect(Bun.gunzipSync(new Uint8Array(await zipped.arrayBuffer()))).toEqual(body);
    }
  });

  test("send /ui to /ui/, answer 404 in eKuiper's JSON for a file the page lacks", async () => {
    await using server = await startServer();
    const bare = await server.request("/ui", { redirect: "manual" });
    expect({ status: bare.status, location: bare.headers.get("location") }).toEqual({
      status: 308,
      location: "/ui/",
    });
    const missing = await server.request("/ui/nope.js");
    expect({ status: missing.status, body: await missing.json() }).toEqual({
      status: 404,
      body: { error: 1002, message: "the console has no file nope.js" },
    });
  });

  test("/ sends a browser to the console and answers every other client eKuiper's JSON", async () => {
    await using server = await startServer();
    const browser = await server.request("/", {
      redirect: "manual",
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect({ status: browser.status, location: browser.headers.get("location") }).toEqual({
      status: 302,
      location: "/ui/",
    });
    for (const accept of ["*/*", "application/json"]) {
      const client = await server.request("/", { headers: { accept } });
      expect(client.status).toBe(200);
      expect(Object.keys((await client.json()) as object)).toEqual([
        "version",
        "os",
        "arch",
        "upTimeSeconds",
      ]);
    }
  });

  test("with tokens on, the page loads without a token and the API it calls still needs one", async () => {
    const signer = makeSigner();
    await using server = await startServer({
      config: "basic:\n  authentication: true\n",
      files: { "etc/mgmt/Sample_Key.pub": signer.publicPem },
    });
    const page = await server.request("/ui/");
    expect(page.status).toBe(200);
    for (const asset of assetsOf(await page.text()))
      expect((await server.request(`/ui/${asset}`)).status).toBe(200);
    expect((await server.request("/plugins/sources")).status).toBe(401);
    // A path that only starts under /ui/ is the API's path once resolved, and needs a token.
    for (const path of [
      "/ui/../plugins/sources",
      "/ui/%2e%2e/plugins/sources",
      "//ui/../plugins/sources",
    ]) {
      expect(await rawStatus(server.plugd.port, path)).toBe("HTTP/1.1 401 Unauthorized");
    }
  });
});
